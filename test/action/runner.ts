// Runs the built action (dist/index.js) the way the GitHub runner does: a fresh `node` process
// with INPUT_* variables (upper-cased, dashes kept), the event payload in GITHUB_EVENT_PATH,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the API and results-service URLs pointing at
// the local stand-in. Also reads back what the step wrote.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { inputVariable } from '../../src/action/inputs.js';
import { FULL_NAME } from '../github/fixtures.js';
import { type MockGitHub, runtimeToken } from '../github/mock-github-process.js';
import { processesWith } from '../helpers/processes.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist', 'index.js');

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  env: Record<string, string>;
}

export interface StepOptions {
  mock: MockGitHub;
  /** `with:` of the step. */
  with?: Record<string, string>;
  event: { name: string; payload: unknown };
  runId: number;
  /** The step's working directory (the checkout). */
  cwd: string;
  sha?: string;
  /** GITHUB_TOKEN. */
  token?: string;
  /** Leave out the results service (as outside a workflow). */
  noResultsService?: boolean;
}

const stepDirs: string[] = [];

/** Removes the directories the steps' environments were made in (call in afterAll). */
export function removeStepDirs(): void {
  for (const dir of stepDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The step's environment, as the runner sets it. */
export function stepEnv(options: StepOptions): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-step-'));
  stepDirs.push(dir);
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event.payload));
  const temp = join(dir, 'runner-temp');
  mkdirSync(temp);
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: FULL_NAME,
    GITHUB_REPOSITORY_OWNER: FULL_NAME.split('/')[0]!,
    GITHUB_RUN_ID: String(options.runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: options.sha ?? '0'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.mock.apiUrl,
    GITHUB_GRAPHQL_URL: `${options.mock.apiUrl}/graphql`,
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
  };
  if (!options.noResultsService) {
    env.ACTIONS_RESULTS_URL = `${options.mock.resultsUrl}/`;
    env.ACTIONS_RUNTIME_TOKEN = runtimeToken(options.runId);
  }
  // The runner passes every input: the workflow's `with:` over action.yml's defaults.
  const given = { ...options.with };
  for (const [name, spec] of Object.entries(action.inputs)) {
    const fallback =
      name === 'github-token' ? (options.token ?? 'ghs_runner_token') : (spec.default ?? '');
    env[inputVariable(name)] = given[name] ?? fallback;
    delete given[name];
  }
  for (const [name, value] of Object.entries(given)) env[inputVariable(name)] = value;
  return env;
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks (what @actions/core writes). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const [, name, delimiter] = m;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

export function readStep(
  env: Record<string, string>,
  code: number | null,
  stdout: string,
  stderr: string,
): StepRun {
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(env.GITHUB_OUTPUT!, 'utf8')),
    summary: readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8'),
    env,
  };
}

/** Spawns `command args` with `env`, collecting output; kills its process group on timeout. */
export function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const marker = `perfgate-step-${randomUUID()}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...env, PERFGATE_TEST_STEP: marker },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      reject(
        new Error(
          `${command} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', async (code) => {
      clearTimeout(timer);
      // Nothing the step started may outlive it (descendants inherit the marker).
      const deadline = Date.now() + 5000;
      let left = processesWith(marker);
      while (left.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        left = processesWith(marker);
      }
      if (left.length > 0) {
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        reject(new Error(`${command} left processes behind: ${left.join(', ')}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node dist/index.js` as the runner runs a `using: node24` action. */
export async function runDist(options: StepOptions): Promise<StepRun> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
  const env = stepEnv(options);
  const { code, stdout, stderr } = await runProcess(process.execPath, [DIST], env, options.cwd);
  return readStep(env, code, stdout, stderr);
}
