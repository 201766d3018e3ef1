// Starts test/github/mock-github.ts in its own process group and drives it from a test:
// seed state, queue faults, read back what it accepted and rejected.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Fault, MockSnapshot, Seed } from './mock-github.js';

const SCRIPT = fileURLToPath(new URL('./mock-github.ts', import.meta.url));

export interface MockGitHub {
  /** GITHUB_API_URL. */
  apiUrl: string;
  /** ACTIONS_RESULTS_URL. */
  resultsUrl: string;
  child: ChildProcess;
  reset(): Promise<void>;
  seed(seed: Seed): Promise<{ comments: number[]; artifacts: number[]; issues: number[] }>;
  fault(...faults: Fault[]): Promise<void>;
  state(): Promise<MockSnapshot>;
  stop(): Promise<void>;
}

/** A runtime token the results service accepts for `run-<runId>` (the mock's backend id). */
export function runtimeToken(runId: number, job = 'job-1'): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    scp: `Actions.GenericRead:0 Actions.Results:run-${runId}:${job}`,
    exp: 4102444800,
  };
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

export async function startMockGitHub(): Promise<MockGitHub> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const urls = await new Promise<{ apiUrl: string; resultsUrl: string }>((resolve, reject) => {
    let out = '';
    // Loading and indexing the 13 MB OpenAPI description takes a second or two; more on a
    // loaded machine.
    const timer = setTimeout(
      () => reject(new Error(`mock GitHub did not start in 60 s: ${out}`)),
      60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /MOCK_GITHUB (\{.*\})\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]!));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock GitHub exited (code ${code}) before listening: ${out}`));
    });
  });
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${urls.resultsUrl}/__mock/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`mock control ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    ...urls,
    child,
    reset: async () => {
      await control('POST', 'reset');
    },
    seed: (seed) =>
      control('POST', 'seed', seed) as Promise<{
        comments: number[];
        artifacts: number[];
        issues: number[];
      }>,
    fault: async (...faults) => {
      await control('POST', 'faults', faults);
    },
    state: () => control('GET', 'state') as Promise<MockSnapshot>,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}
