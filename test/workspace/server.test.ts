import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createWorktrees,
  findFreePort,
  isProcessAlive,
  isProcessGroupAlive,
  pendingCleanups,
  type RunningServer,
  resolveRefs,
  runCleanups,
  ServerExitedError,
  ServerNotReadyError,
  SpawnError,
  type StartServerOptions,
  startServer,
} from '../../src/workspace/index.js';
import {
  FIXTURES,
  httpText,
  killLeftovers,
  makeProjectRepos,
  pidAfter,
  removeTempDirs,
  tempDir,
  waitFor,
} from './helpers.js';

const groups: number[] = [];
const strays: number[] = [];

afterEach(() => killLeftovers(groups, strays));
afterAll(async () => {
  await runCleanups();
  removeTempDirs();
});

/** Generous: several engineers' test suites share two cores. */
const READY_MS = 20_000;

async function start(options: Partial<StartServerOptions>): Promise<RunningServer> {
  const server = await startServer({
    command: 'node server.mjs',
    cwd: FIXTURES,
    ready: '/health',
    readyTimeoutMs: READY_MS,
    side: 'head',
    name: 'api',
    ...options,
  });
  groups.push(server.pid);
  return server;
}

describe('startServer', () => {
  it('starts each tree’s server on its own port and stops it', async () => {
    const repos = makeProjectRepos();
    const refs = await resolveRefs({ cwd: repos.work });
    const trees = await createWorktrees({ cwd: repos.work, refs });
    try {
      const [base, head] = await Promise.all([
        start({ cwd: trees.base.dir, side: 'base' }),
        start({ cwd: trees.head.dir, side: 'head' }),
      ]);
      expect(base.url).toBe(`http://127.0.0.1:${base.port}`);
      expect(base.port).not.toBe(head.port);
      expect(await httpText(`${base.url}/version`)).toEqual({ status: 200, body: 'c2' });
      expect(await httpText(`${head.url}/version`)).toEqual({ status: 200, body: 'feature' });
      expect(head.side).toBe('head');
      expect(head.output()).toContain(`listening on ${head.port}`);
      base.assertAlive();
      head.assertAlive();

      await Promise.all([base.stop(), head.stop()]);
      expect(isProcessGroupAlive(base.pid)).toBe(false);
      expect(isProcessGroupAlive(head.pid)).toBe(false);
      expect(await head.exited).toMatchObject({ requested: true });
      await expect(fetch(`${head.url}/health`)).rejects.toThrow();
    } finally {
      await trees.dispose();
    }
  });

  it('gives the server PORT and HOST over the configured env, and the rest of the env', async () => {
    const server = await start({ env: { PORT: '1', HOST: '0.0.0.0', GREETING: 'hi' } });
    const env = JSON.parse((await httpText(`${server.url}/env`)).body);
    expect(env).toEqual({ port: String(server.port), host: '127.0.0.1', greeting: 'hi' });
    await server.stop();
  });

  it('waits for the port to accept connections when no ready path is given', async () => {
    const server = await start({ ready: undefined, env: { READY_DELAY_MS: '700' } });
    // Ready means ready: the very first request succeeds.
    expect((await httpText(`${server.url}/health`)).status).toBe(200);
    await server.stop();
  });

  it('fails with ServerNotReadyError and the output when ready never answers 2xx', async () => {
    const before = pendingCleanups();
    const error = await start({ env: { NEVER_READY: '1' }, readyTimeoutMs: 1_500 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServerNotReadyError);
    const typed = error as ServerNotReadyError;
    groups.push(typed.pid);
    expect(typed.name).toBe('ServerNotReadyError');
    expect(typed).toMatchObject({ side: 'head', benchmark: 'api', timeoutMs: 1_500 });
    expect(typed.lastAttempt).toBe('HTTP 503');
    expect(typed.output).toContain('warming up forever');
    expect(typed.message).toContain('did not answer 2xx on http://127.0.0.1:');
    expect(typed.message).toContain('/health within 1500 ms (last check: HTTP 503)');
    expect(typed.message).toContain('warming up forever');
    // Nothing is left running behind the error.
    expect(isProcessGroupAlive(typed.pid)).toBe(false);
    expect(pendingCleanups()).toBe(before);
  });

  it('fails with ServerExitedError, the exit code and the output when it exits at once', async () => {
    const error = await start({
      command: `node -e "console.error('boom: DATABASE_URL is not set'); process.exit(7)"`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerExitedError);
    const typed = error as ServerExitedError;
    expect(typed).toMatchObject({ exitCode: 7, signal: null, phase: 'starting', side: 'head' });
    expect(typed.output).toBe('boom: DATABASE_URL is not set');
    expect(typed.message).toContain('exited with code 7 before it was ready');
  });

  it('detects a crash mid-run with assertAlive', async () => {
    const server = await start({});
    server.assertAlive();
    await fetch(`${server.url}/crash`).catch(() => undefined);
    expect(await server.exited).toEqual({ code: 3, signal: null, requested: false });
    let thrown: unknown;
    try {
      server.assertAlive();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServerExitedError);
    expect(thrown).toMatchObject({ exitCode: 3, phase: 'running', benchmark: 'api' });
    expect((thrown as Error).message).toContain('exited with code 3 while being measured');
    await waitFor('crash output', () => server.output().includes('crashing on purpose'));
    await server.stop();
  });

  it('stops the whole process tree, grandchildren included', async () => {
    const server = await start({ command: 'node server.mjs & node sleeper.mjs; wait' });
    await waitFor('the sleeper to start', () => server.output().includes('sleeper pid'));
    const serverPid = pidAfter('server pid', server.output());
    const sleeperPid = pidAfter('sleeper pid', server.output());
    strays.push(serverPid, sleeperPid);
    expect(new Set([server.pid, serverPid, sleeperPid]).size).toBe(3);
    expect(isProcessAlive(serverPid)).toBe(true);
    expect(isProcessAlive(sleeperPid)).toBe(true);

    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(isProcessAlive(serverPid)).toBe(false);
    expect(isProcessAlive(sleeperPid)).toBe(false);
    expect(isProcessGroupAlive(server.pid)).toBe(false);
  });

  it('kills a server that ignores SIGTERM once the grace is over', async () => {
    const server = await start({ env: { IGNORE_SIGTERM: '1' }, stopGraceMs: 300 });
    const serverPid = pidAfter('server pid', server.output());
    strays.push(serverPid);
    await server.stop();
    expect(isProcessAlive(serverPid)).toBe(false);
    expect(server.output()).toContain('ignoring SIGTERM');
    expect((await server.exited).requested).toBe(true);
    // stop() again is the same stop.
    await server.stop();
  });

  it('finds a free loopback port', async () => {
    const port = await findFreePort();
    expect(Number.isInteger(port) && port > 0 && port < 65_536).toBe(true);
  });

  it('rejects bad options and a working directory that does not exist', async () => {
    await expect(start({ readyTimeoutMs: 0 })).rejects.toThrow(
      'readyTimeoutMs must be a positive number of milliseconds, got 0',
    );
    await expect(start({ ready: 'health' })).rejects.toThrow(
      'ready must be a path starting with "/", got "health"',
    );
    await expect(start({ cwd: join(tempDir(), 'missing') })).rejects.toBeInstanceOf(SpawnError);
  });
});
