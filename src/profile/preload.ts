// The profiler that runs inside the measured Node.js processes: a preload (`--require`, given
// through NODE_OPTIONS, so it reaches a `node` started by `npm start` or a shell script too)
// that opens an in-process inspector session (node:inspector, the Profiler domain). Node 20
// refuses `--cpu-prof` in NODE_OPTIONS, and a process that ends on SIGTERM would not write it.
//  - PERFGATE_PROFILE_RUN=<dir>: profiles the whole process and writes <dir>/<pid>.cpuprofile at
//    its exit (a command's run).
//  - PERFGATE_PROFILE_CONTROL=<dir>: listens on <dir>/<pid>.sock (a Unix socket, unref'd so it
//    keeps no process alive) for `start` and `stop <name>` lines; `stop` writes
//    <dir>/<pid>.<name>.cpuprofile (a server's profiled load round, control.ts).
// Worker threads are left alone. Nothing it does may fail the process it runs in.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** V8's sampling interval in µs: 0.5 ms puts a few hundred samples in a 500 ms round of a busy
 *  server at little cost. */
export const SAMPLING_INTERVAL_US = 500;

export const PRELOAD_SOURCE = `'use strict';
(() => {
  try {
    if (!require('node:worker_threads').isMainThread) return;
    const runDir = process.env.PERFGATE_PROFILE_RUN;
    const controlDir = process.env.PERFGATE_PROFILE_CONTROL;
    if (!runDir && !controlDir) return;
    const fs = require('node:fs');
    const path = require('node:path');
    const session = new (require('node:inspector').Session)();
    session.connect();
    const post = (method, params) => {
      let result, failure;
      session.post(method, params || {}, (error, answer) => { failure = error; result = answer; });
      if (failure) throw failure;
      return result;
    };
    post('Profiler.enable');
    post('Profiler.setSamplingInterval', { interval: ${SAMPLING_INTERVAL_US} });
    if (runDir) {
      post('Profiler.start');
      process.on('exit', () => {
        try {
          const { profile } = post('Profiler.stop');
          fs.writeFileSync(path.join(runDir, process.pid + '.cpuprofile'), JSON.stringify(profile));
        } catch {}
      });
      return;
    }
    const socket = path.join(controlDir, process.pid + '.sock');
    const server = require('node:net').createServer((conn) => {
      let buffer = '';
      conn.setEncoding('utf8');
      conn.on('error', () => {});
      conn.on('data', (chunk) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\\n'); nl >= 0; nl = buffer.indexOf('\\n')) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          try {
            if (line === 'start') {
              post('Profiler.start');
            } else if (/^stop [a-z0-9-]{1,64}$/.test(line)) {
              const { profile } = post('Profiler.stop');
              const file = path.join(controlDir, process.pid + '.' + line.slice(5) + '.cpuprofile');
              fs.writeFileSync(file, JSON.stringify(profile));
            } else {
              throw new Error('unknown command');
            }
            conn.write('ok\\n');
          } catch (error) {
            conn.write('error ' + String((error && error.message) || error).replace(/\\n/g, ' ') + '\\n');
          }
        }
      });
    });
    server.on('error', () => {});
    server.listen(socket);
    server.unref();
    process.on('exit', () => {
      try { fs.unlinkSync(socket); } catch {}
    });
  } catch {}
})();
`;

export interface ProfilerFiles {
  /** A private directory of the run's profiling: the preload, and each side's folders. */
  root: string;
  preload: string;
  dispose(): Promise<void>;
}

/** Writes the preload into a fresh private directory (the action is one bundled file, so the
 *  preload is carried as text). */
export async function writeProfilerFiles(): Promise<ProfilerFiles> {
  const root = await mkdtemp(path.join(tmpdir(), 'perfgate-profile-'));
  const preload = path.join(root, 'preload.cjs');
  await writeFile(preload, PRELOAD_SOURCE, { mode: 0o600 });
  return { root, preload, dispose: () => rm(root, { recursive: true, force: true }) };
}

/**
 * The environment that turns the profiler on: NODE_OPTIONS with the preload after whatever the
 * benchmark's (or perfgate's own) NODE_OPTIONS already held.
 */
export function profilerEnvironment(
  preload: string,
  how: { run: string } | { control: string },
  nodeOptions: string | undefined,
): Record<string, string> {
  const require = `--require ${JSON.stringify(preload)}`;
  return {
    NODE_OPTIONS: nodeOptions ? `${nodeOptions} ${require}` : require,
    ...('run' in how
      ? { PERFGATE_PROFILE_RUN: how.run }
      : { PERFGATE_PROFILE_CONTROL: how.control }),
  };
}

/** A benchmark's environment with the profiler on: its NODE_OPTIONS, else perfgate's own, kept. */
export function withProfiler(
  env: Record<string, string>,
  preload: string,
  how: { run: string } | { control: string },
): Record<string, string> {
  return {
    ...env,
    ...profilerEnvironment(preload, how, env.NODE_OPTIONS ?? process.env.NODE_OPTIONS),
  };
}
