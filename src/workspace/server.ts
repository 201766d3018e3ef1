// Starting a side's server on a free loopback port, knowing when it is ready, noticing when it
// dies, and stopping it with everything it started.
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Side } from '../model.js';
import type { OutputGroup } from './build.js';
import { type ShellExit, type ShellProcess, spawnShell } from './process-group.js';

const HOST = '127.0.0.1';

interface ServerIdentity {
  side: Side;
  name: string;
  command: string;
  cwd: string;
}

export class ServerExitedError extends Error {
  override name = 'ServerExitedError';
  readonly side: Side;
  readonly benchmark: string;
  readonly command: string;
  readonly cwd: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether it exited while starting (before it was ready) or later, mid-run. */
  readonly phase: 'starting' | 'running';
  readonly output: string;

  constructor(who: ServerIdentity, exit: ShellExit, phase: 'starting' | 'running', output: string) {
    const how = exit.code !== null ? `with code ${exit.code}` : `on ${exit.signal}`;
    super(
      `The ${who.side} server of "${who.name}" exited ${how} ` +
        `${phase === 'starting' ? 'before it was ready' : 'while being measured'}: ` +
        `\`${who.command}\` in ${who.cwd}.${lastLines(output)}`,
    );
    this.side = who.side;
    this.benchmark = who.name;
    this.command = who.command;
    this.cwd = who.cwd;
    this.exitCode = exit.code;
    this.signal = exit.signal;
    this.phase = phase;
    this.output = output;
  }
}

export class ServerNotReadyError extends Error {
  override name = 'ServerNotReadyError';
  readonly side: Side;
  readonly benchmark: string;
  readonly command: string;
  readonly cwd: string;
  readonly url: string;
  readonly ready: string | undefined;
  readonly timeoutMs: number;
  /** What the last readiness check saw: `HTTP 503`, `ECONNREFUSED`… */
  readonly lastAttempt: string;
  /** The process group that was started (and has been stopped). */
  readonly pid: number;
  readonly output: string;

  constructor(
    who: ServerIdentity,
    details: { url: string; ready?: string; timeoutMs: number; lastAttempt: string; pid: number },
    output: string,
  ) {
    const what =
      details.ready === undefined
        ? `accept connections on ${details.url}`
        : `answer 2xx on ${details.url}${details.ready}`;
    super(
      `The ${who.side} server of "${who.name}" did not ${what} within ${details.timeoutMs} ms ` +
        `(last check: ${details.lastAttempt}). Does \`${who.command}\` listen on $PORT ` +
        `(${new URL(details.url).port}) at ${HOST}?${lastLines(output)}`,
    );
    this.side = who.side;
    this.benchmark = who.name;
    this.command = who.command;
    this.cwd = who.cwd;
    this.url = details.url;
    this.ready = details.ready;
    this.timeoutMs = details.timeoutMs;
    this.lastAttempt = details.lastAttempt;
    this.pid = details.pid;
    this.output = output;
  }
}

const MESSAGE_LINES = 30;
function lastLines(output: string): string {
  const shown = output.split('\n').slice(-MESSAGE_LINES).join('\n');
  return shown.trim() === '' ? ' It printed nothing.' : `\nLast output:\n${shown}`;
}

export interface StartServerOptions {
  /** Shell command; it gets PORT and HOST in its environment. */
  command: string;
  cwd: string;
  env?: Record<string, string>;
  /** Path polled with GET until it answers 2xx; without it, the port accepting is enough. */
  ready?: string;
  readyTimeoutMs: number;
  side: Side;
  /** The benchmark's name, for messages. */
  name: string;
  /** Time between SIGTERM and SIGKILL on stop(); 3000 unless given. */
  stopGraceMs?: number;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Shown the server's output until it is ready or has failed to start, then ended (a CI
   *  log's folded group: what a server says once measured would only interleave). */
  group?: OutputGroup;
}

export interface ServerExit extends ShellExit {
  /** True when stop() asked for the exit. */
  requested: boolean;
}

export interface RunningServer {
  side: Side;
  name: string;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  port: number;
  /** The shell's pid, which is also the process group id. */
  pid: number;
  /** The last lines the server printed. */
  output(): string;
  /** Ends the whole process group: SIGTERM, then SIGKILL after the grace; idempotent. */
  stop(): Promise<void>;
  /** Resolves when the server's shell exits, for whatever reason. Never rejects. */
  exited: Promise<ServerExit>;
  /** Throws ServerExitedError if the server has exited. */
  assertAlive(): void;
}

const DEFAULT_STOP_GRACE_MS = 3_000;
/** A server that loses the race for its port to another process gets a fresh one. */
const PORT_ATTEMPTS = 3;
const SERVER_TAIL_LINES = 200;

/** A port the kernel just handed out on loopback; free unless someone takes it meanwhile. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  if (!Number.isFinite(options.readyTimeoutMs) || options.readyTimeoutMs <= 0) {
    throw new RangeError(
      `readyTimeoutMs must be a positive number of milliseconds, got ${options.readyTimeoutMs}`,
    );
  }
  if (options.ready !== undefined && !options.ready.startsWith('/')) {
    throw new RangeError(`ready must be a path starting with "/", got "${options.ready}"`);
  }
  const { group } = options;
  let grouping = group !== undefined;
  const attempts: StartServerOptions = {
    ...options,
    onOutput: (text, stream) => {
      options.onOutput?.(text, stream);
      if (grouping) group?.write(text);
    },
  };
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce(attempts);
      } catch (error) {
        const lostPortRace = error instanceof ServerExitedError && /EADDRINUSE/.test(error.output);
        if (!lostPortRace || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  } finally {
    grouping = false;
    group?.end();
  }
}

async function startOnce(options: StartServerOptions): Promise<RunningServer> {
  const who: ServerIdentity = {
    side: options.side,
    name: options.name,
    command: options.command,
    cwd: options.cwd,
  };
  const port = await findFreePort();
  const url = `http://${HOST}:${port}`;
  const shell = await spawnShell(options.command, {
    cwd: options.cwd,
    // PORT and HOST last: the server must listen where it will be measured.
    env: { ...options.env, PORT: String(port), HOST },
    tailLines: SERVER_TAIL_LINES,
    onOutput: options.onOutput,
  });
  const graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  let stopRequested = false;
  const stop = () => {
    stopRequested = true;
    return shell.terminate(graceMs);
  };
  const exited = shell.exited.then((exit) => ({ ...exit, requested: stopRequested }));

  const outcome = await waitUntilReady(shell, port, options);
  if (outcome.kind === 'exited') {
    await stop();
    throw new ServerExitedError(who, outcome.exit, 'starting', shell.tail.text());
  }
  if (outcome.kind === 'timeout') {
    await stop();
    throw new ServerNotReadyError(
      who,
      {
        url,
        ready: options.ready,
        timeoutMs: options.readyTimeoutMs,
        lastAttempt: outcome.lastAttempt,
        pid: shell.pid,
      },
      shell.tail.text(),
    );
  }
  return {
    side: options.side,
    name: options.name,
    url,
    port,
    pid: shell.pid,
    output: () => shell.tail.text(),
    stop,
    exited,
    assertAlive: () => {
      const exit = shell.exit();
      if (exit !== undefined) {
        throw new ServerExitedError(who, exit, 'running', shell.tail.text());
      }
    },
  };
}

type Readiness =
  | { kind: 'ready' }
  | { kind: 'exited'; exit: ShellExit }
  | { kind: 'timeout'; lastAttempt: string };

const POLL_INTERVAL_MS = 50;
/** One readiness request may not eat the whole timeout. */
const CHECK_TIMEOUT_MS = 2_000;

async function waitUntilReady(
  shell: ShellProcess,
  port: number,
  options: StartServerOptions,
): Promise<Readiness> {
  const deadline = Date.now() + options.readyTimeoutMs;
  let lastAttempt = 'no check completed';
  const exitedEarly = shell.exited.then((exit) => ({ kind: 'exited', exit }) as const);
  while (true) {
    const exit = shell.exit();
    if (exit !== undefined) return { kind: 'exited', exit };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { kind: 'timeout', lastAttempt };
    const checkMs = Math.min(remaining, CHECK_TIMEOUT_MS);
    const check =
      options.ready === undefined
        ? checkPort(port, checkMs)
        : checkPath(port, options.ready, checkMs);
    const result = await Promise.race([check, exitedEarly]);
    if (typeof result !== 'string') return result;
    if (result === 'ok') return { kind: 'ready' };
    lastAttempt = result;
    await Promise.race([sleep(Math.min(POLL_INTERVAL_MS, remaining)), exitedEarly]);
  }
}

/** Resolves 'ok' when the port accepts a connection, else a description of what happened. */
function checkPort(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolveCheck) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolveCheck('ok');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolveCheck(`no connection within ${timeoutMs} ms`);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolveCheck(error.code ?? error.message),
    );
  });
}

/** Resolves 'ok' on a 2xx answer to GET `path`, else a description of what happened. */
function checkPath(port: number, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolveCheck) => {
    const req = request({
      host: HOST,
      port,
      path,
      method: 'GET',
      agent: false,
      timeout: timeoutMs,
    });
    req.once('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolveCheck(status >= 200 && status < 300 ? 'ok' : `HTTP ${status}`);
    });
    req.once('timeout', () => {
      req.destroy();
      resolveCheck(`no answer within ${timeoutMs} ms`);
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolveCheck(error.code ?? error.message));
    req.end();
  });
}
