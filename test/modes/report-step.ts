// Runs mode `report` in-process against the mock GitHub and ends it the way src/main.ts ends a
// step: a thrown error gives exitCodeFor(error) and its message (with its hint), an outcome
// gives outcomeExitCode (1 for the gate, 3 when publishing failed, 0 otherwise). The retry delay is shortened through
// the Octokit factory's parameter, so a persistent 5xx still goes through every retry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inputs } from '../../src/action/inputs.js';
import type { ActionDeps } from '../../src/action/io.js';
import { exitCodeFor, getErrorHint, getErrorMessage } from '../../src/errors.js';
import type { ActionContext } from '../../src/github/context.js';
import { createOctokit } from '../../src/github/octokit.js';
import { runReport } from '../../src/modes/report.js';
import { outcomeExitCode } from '../../src/modes/run-mode.js';
import { serializeResult } from '../../src/report/json.js';
import type { Result } from '../../src/result.js';
import type { Fault, MockSnapshot } from '../github/mock-github.js';
import type { MockGitHub } from '../github/mock-github-process.js';
import { sampleResult } from '../github/sample-result.js';
import { makeZip } from '../github/zip-writer.js';
import { context, inputs, type RecordingIo, recordingIo } from './helpers.js';

export const HEAD = 'b'.repeat(40);
const dirs: string[] = [];

/** Removes the steps' runner temp directories (call in afterAll). */
export function removeReportStepDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
export const RUN_ID = 77;

export interface StepOutcome {
  exit: number;
  /** What the step's error line would say; empty when it succeeds. */
  message: string;
  io: RecordingIo;
  state: MockSnapshot;
}

export interface ReportStepInput {
  /** The artifact's result; a consistent passing result of pull request #12 when absent. */
  result?: Result;
  /** Raw artifact content instead of `result`. */
  artifact?: string;
  faults?: Fault[];
  inputs?: Partial<Inputs>;
  /** Leave the workflow run out of the mock (as a wrong `run-id` would find it). */
  noRun?: boolean;
  downloadTimeoutMs?: number;
  /** The deadline of one API request (the factory's default is 30 s). */
  requestTimeoutMs?: number;
}

export function passingResult(fields: Partial<Result> = {}): Result {
  return sampleResult({
    mode: 'collect',
    repository: 'octo-org/octo-repo',
    pullRequest: 12,
    reportId: 'default',
    ...fields,
  });
}

export async function runReportStep(
  mock: MockGitHub,
  input: ReportStepInput = {},
): Promise<StepOutcome> {
  await mock.reset();
  await mock.seed({
    pulls: [
      { number: 12, baseRef: 'main', baseSha: 'a'.repeat(40), headRef: 'patch-1', headSha: HEAD },
    ],
    runs: input.noRun ? [] : [{ id: RUN_ID, headSha: HEAD, event: 'pull_request' }],
  });
  if (!input.noRun) {
    const data = input.artifact ?? serializeResult(input.result ?? passingResult());
    const zip = makeZip([{ name: 'perfgate-result.json', data }]);
    await mock.seed({
      artifacts: [
        { runId: RUN_ID, name: 'perfgate-result-default', zipBase64: zip.toString('base64') },
      ],
    });
  }
  if (input.faults?.length) await mock.fault(...input.faults);

  const io = recordingIo();
  const runnerTemp = mkdtempSync(join(tmpdir(), 'perfgate-report-step-'));
  dirs.push(runnerTemp);
  const deps: ActionDeps = {
    io,
    cwd: runnerTemp,
    github: (token) =>
      createOctokit({
        token,
        baseUrl: mock.apiUrl,
        retryDelayMs: 1,
        ...(input.requestTimeoutMs === undefined
          ? {}
          : { requestTimeoutMs: input.requestTimeoutMs }),
      }),
    measure: () => Promise.reject(new Error('report mode must not measure')),
    upload: () => Promise.reject(new Error('report mode must not upload')),
    ...(input.downloadTimeoutMs === undefined
      ? {}
      : { downloadTimeoutMs: input.downloadTimeoutMs }),
  };
  const stepContext: ActionContext = context({
    eventName: 'workflow_run',
    runnerTemp,
    runId: 990,
    workflowRun: {
      id: RUN_ID,
      event: 'pull_request',
      headSha: HEAD,
      headBranch: 'patch-1',
      conclusion: 'success',
      pullRequests: [],
    },
  });
  let exit = 0;
  let message = '';
  try {
    const outcome = await runReport(inputs({ mode: 'report', ...input.inputs }), stepContext, deps);
    exit = outcomeExitCode(outcome);
    message = outcome.failure ?? '';
  } catch (error) {
    exit = exitCodeFor(error);
    const hint = getErrorHint(error);
    message = `perfgate: ${getErrorMessage(error)}${hint ? `\n${hint}` : ''}`;
  }
  return { exit, message, io, state: await mock.state() };
}
