// Fault matrix, secrets: the runner's credentials in perfgate's own environment must reach none
// of the processes it starts. Each row starts one real process through perfgate's real code,
// the process's own /proc/<pid>/environ is read back, and no withheld name or value may be in
// it, while the config's `env` and the context variables builds read are.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCommandProbe } from '../../src/kinds/command/probe.js';
import { findChrome, launchChrome } from '../../src/kinds/lighthouse/chrome.js';
import type { CommandBenchmarkConfig, Tree } from '../../src/model.js';
import { git, runBuild, startServer } from '../../src/workspace/index.js';

// Set before perfgate's modules load, as the runner sets them before the action starts
// (`uses: perfgate` with `github-token`, and `id-token: write`).
const { SECRETS, CONTEXT, saved } = vi.hoisted(() => {
  const SECRETS: Record<string, string> = {
    GITHUB_TOKEN: 'ghs_secret-github-token',
    GH_TOKEN: 'ghs_secret-gh-token',
    ACTIONS_RUNTIME_TOKEN: 'secret-runtime-token',
    ACTIONS_RUNTIME_URL: 'https://secret-runtime.invalid/',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret-id-token-request-token',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://secret-id-token.invalid/',
    ACTIONS_CACHE_URL: 'https://secret-cache.invalid/',
    ACTIONS_RESULTS_URL: 'https://secret-results.invalid/',
    // bash cannot export this name, but the runner sets it and children inherit it.
    'INPUT_GITHUB-TOKEN': 'ghs_secret-input-token',
    INPUT_CONFIG: 'secret-input-config',
    GITHUB_ENV: '/tmp/secret-github-env',
    GITHUB_OUTPUT: '/tmp/secret-github-output',
  };
  /** Context that builds legitimately read. */
  const CONTEXT: Record<string, string> = { CI: 'true', GITHUB_SHA: 'c0ffee' };
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries({ ...SECRETS, ...CONTEXT })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  return { SECRETS, CONTEXT, saved };
});
const FROM_CONFIG = { PERFGATE_TEST_FROM_CONFIG: 'kept' };
/** Values a present variable must have; the others only need to be there. */
const EXPECTED: Record<string, string> = { ...FROM_CONFIG };

let dir: string;
let tree: Tree;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfgate-secrets-'));
  execFileSync('git', ['init', '-q', dir]);
  tree = { side: 'head', ref: 'HEAD', sha: '0'.repeat(40), dir };
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The environment the shell itself was given ($$ is the shell, not a child of it). */
const DUMP = (file: string) => `cat /proc/$$/environ > ${file}`;

function readEnviron(path: string): Map<string, string> {
  const entries = readFileSync(path, 'latin1').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

type Site = (out: string) => Promise<Map<string, string>>;

const rows: Array<{ case: string; input: Site; expect: { absent: string[]; present: string[] } }> =
  [
    {
      case: 'server (start of an http or lighthouse benchmark)',
      input: async (out) => {
        const server = await startServer({
          command: `${DUMP(out)}; exec node -e "require('http').createServer((q, s) => s.end()).listen(+process.env.PORT, process.env.HOST)"`,
          cwd: dir,
          env: FROM_CONFIG,
          readyTimeoutMs: 10_000,
          side: 'head',
          name: 'secrets',
        });
        await server.stop();
        return readEnviron(out);
      },
      expect: {
        absent: Object.keys(SECRETS),
        present: ['PORT', 'PERFGATE_RUN', ...Object.keys(FROM_CONFIG)],
      },
    },
    {
      case: 'build',
      input: async (out) => {
        await runBuild(tree, DUMP(out), { timeoutMs: 10_000, env: FROM_CONFIG });
        return readEnviron(out);
      },
      expect: {
        absent: Object.keys(SECRETS),
        present: ['PERFGATE_RUN', ...Object.keys(FROM_CONFIG)],
      },
    },
    {
      case: 'command benchmark',
      input: async (out) => {
        const bench: CommandBenchmarkConfig = {
          name: 'secrets',
          type: 'command',
          run: DUMP(out),
          cwd: '.',
          env: FROM_CONFIG,
          timeoutMs: 10_000,
        };
        const probe = createCommandProbe(bench, { base: { ...tree, side: 'base' }, head: tree });
        await probe.measure('head', 0);
        await probe.dispose?.();
        return readEnviron(out);
      },
      expect: {
        absent: Object.keys(SECRETS),
        present: ['PERFGATE_RUN', ...Object.keys(FROM_CONFIG)],
      },
    },
    {
      case: 'a command git runs for the repository (alias, hook, fsmonitor)',
      input: async (out) => {
        await git(['-c', `alias.dump=!${DUMP(out)}`, 'dump'], dir);
        return readEnviron(out);
      },
      expect: { absent: Object.keys(SECRETS), present: ['PERFGATE_RUN'] },
    },
    {
      case: 'Chromium (perfgate’s own, loading the PR’s pages)',
      input: async () => {
        const chrome = await launchChrome({ path: findChrome() });
        try {
          return readEnviron(`/proc/${chrome.pid}/environ`);
        } finally {
          await chrome.close();
        }
      },
      expect: { absent: Object.keys(SECRETS), present: ['PERFGATE_RUN'] },
    },
  ];

describe('fault matrix: secrets in the environment of what perfgate starts', () => {
  it.each(rows)('$case', async (row) => {
    const env = await row.input(join(dir, 'environ.out'));
    const text = [...env].map(([k, v]) => `${k}=${v}`).join('\n');
    for (const name of row.expect.absent) expect(env.has(name), name).toBe(false);
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    for (const name of row.expect.present) {
      expect(env.get(name), name).toBe(EXPECTED[name] ?? env.get(name) ?? 'set');
    }
    for (const [name, value] of Object.entries(CONTEXT)) expect(env.get(name), name).toBe(value);
  }, 30_000);
});
