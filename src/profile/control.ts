// The perfgate side of the preload's control sockets (preload.ts): every Node.js process of a
// server's tree listens on <dir>/<pid>.sock; a profiled round starts the profiler in all of
// them and stops it after the load, each writing its own .cpuprofile.
import { readdir } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import path from 'node:path';

const ANSWER_TIMEOUT_MS = 30_000;

export class ProfileControlError extends Error {
  override name = 'ProfileControlError';
}

interface Connection {
  socket: Socket;
  pid: string;
  ask(line: string): Promise<void>;
}

function open(file: string): Promise<Connection | undefined> {
  return new Promise((resolve) => {
    const socket = connect(file);
    const pid = path.basename(file, '.sock');
    let buffer = '';
    const waiting: Array<{ ok: () => void; fail: (e: Error) => void }> = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const next = waiting.shift();
        if (line === 'ok') next?.ok();
        else next?.fail(new ProfileControlError(`process ${pid}: ${line}`));
      }
    });
    const failAll = (why: string) => {
      for (const w of waiting.splice(0)) w.fail(new ProfileControlError(`process ${pid}: ${why}`));
    };
    socket.on('close', () => failAll('closed the profiler connection'));
    // A socket left by a process that has exited: nothing to profile there.
    socket.on('error', () => {
      failAll('profiler connection failed');
      resolve(undefined);
    });
    socket.once('connect', () =>
      resolve({
        socket,
        pid,
        ask: (line) =>
          new Promise<void>((ok, fail) => {
            const timer = setTimeout(
              () => fail(new ProfileControlError(`process ${pid}: no answer to ${line}`)),
              ANSWER_TIMEOUT_MS,
            );
            waiting.push({
              ok: () => {
                clearTimeout(timer);
                ok();
              },
              fail: (e) => {
                clearTimeout(timer);
                fail(e);
              },
            });
            socket.write(`${line}\n`);
          }),
      }),
    );
  });
}

export interface ProfilingRound {
  /** How many Node.js processes are being profiled (0: none runs the preload). */
  processes: number;
  /** Stops every process's profiler; resolves to the .cpuprofile files written. */
  stop(): Promise<string[]>;
}

/** Starts the profiler in every process listening in `dir`; `name` names this round's files. */
export async function startProfiling(dir: string, name: string): Promise<ProfilingRound> {
  if (!/^[a-z0-9-]{1,64}$/.test(name)) throw new RangeError(`invalid round name ${name}`);
  const sockets = (await readdir(dir)).filter((f) => f.endsWith('.sock'));
  const opened = await Promise.all(sockets.map((s) => open(path.join(dir, s))));
  const live = opened.filter((c): c is Connection => c !== undefined);
  const started: Connection[] = [];
  await Promise.all(
    live.map(async (c) => {
      try {
        await c.ask('start');
        started.push(c);
      } catch {
        c.socket.destroy();
      }
    }),
  );
  return {
    processes: started.length,
    async stop() {
      const files: string[] = [];
      await Promise.all(
        started.map(async (c) => {
          try {
            await c.ask(`stop ${name}`);
            files.push(path.join(dir, `${c.pid}.${name}.cpuprofile`));
          } catch {
            // A process that exited during the round (npm's own, a worker) has no profile.
          } finally {
            c.socket.destroy();
          }
        }),
      );
      return files;
    },
  };
}
