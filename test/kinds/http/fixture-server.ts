// Starts test/fixtures/probes/server.mjs (or another script that prints `PORT <n>`, such as
// cpu-server.mjs) in its own process group and plays the part of the workspace's server handle
// (url, pid, assertAlive) for the probe tests.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../fixtures/probes/server.mjs', import.meta.url));
/** Routes of known CPU cost: /hash?units=N, /json?times=N, /status. */
export const CPU_SERVER = fileURLToPath(new URL('./cpu-server.mjs', import.meta.url));

export class FixtureServerExited extends Error {
  override name = 'FixtureServerExited';
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(`fixture server exited (code ${code}, signal ${signal})`);
  }
}

export interface FixtureServer {
  url: string;
  child: ChildProcess;
  /** The server's own pid: the root of its process tree. */
  pid: number;
  assertAlive(): void;
  /** Kills the whole process group and waits for the exit. */
  kill(): Promise<void>;
}

export async function startFixtureServer(
  env: Record<string, string> = {},
  script = SCRIPT,
): Promise<FixtureServer> {
  const child = spawn(process.execPath, [script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let exit: FixtureServerExited | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = new FixtureServerExited(code, signal);
      resolve();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error('fixture server did not start in 10 s')),
      10_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /PORT (\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`fixture server exited before listening: ${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    pid: child.pid!,
    assertAlive() {
      if (exit) throw exit;
    },
    async kill() {
      if (exit) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}

/** GET without keep-alive, so the request leaves no socket open on the server. */
export function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve(JSON.parse(body) as T));
      })
      .on('error', reject);
  });
}

/** A loopback port nothing listens on: bound once by the OS, then released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}
