// mode `report` (workflow_run, after a `collect` run): read the result artifact of the run that
// triggered this one, validate it as untrusted input, and publish it. Nothing from the pull
// request is checked out or run; the artifact is data, read with size limits and the schema.
//
// The artifact names its pull request, but it was written by the pull request's code, so that
// number is verified: the pull request's head must be the commit the triggering run built.
// Otherwise a fork could make this workflow comment on someone else's pull request.
import { z } from 'zod';
import { InputError, type Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { resolveFailOn } from '../config/resolve.js';
import { INPUT, resultArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import { type ApiCall, answerShape, apiError, callGitHub } from '../github/api-error.js';
import { ArtifactError, findRunArtifact, readArtifactFile } from '../github/artifacts.js';
import {
  type ActionContext,
  type WorkflowRunContext,
  workflowRunContext,
} from '../github/context.js';
import { type GitHubClient, httpStatus } from '../github/octokit.js';
import { parseResult } from '../report/json.js';
import { MAX_RESULT_BYTES, type Result } from '../result.js';
import { recheckResult } from '../verdict/index.js';
import { resultPathFor, runUrl } from './action-run.js';
import { writeResult } from './measure.js';
import type { ModeOutcome } from './outcome.js';
import { publishStep, refusalCheck } from './publish.js';

/**
 * An artifact whose statuses or verdict do not follow from its own numbers: a forged or broken
 * measurement, so exit 3 (the measurement failed) rather than 1 (a regression was found).
 */
export class InconsistentResultError extends Error {
  override name = 'InconsistentResultError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** An artifact that parses but cannot be posted where it asks to be. */
export class ArtifactMismatchError extends Error {
  override name = 'ArtifactMismatchError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const runShape = z.object({
  id: z.number(),
  name: z.string().nullish(),
  event: z.string(),
  head_sha: z.string().regex(/^[0-9a-f]{40}$|^[0-9a-f]{64}$/),
  head_branch: z.string().nullable(),
  conclusion: z.string().nullable(),
  pull_requests: z.array(z.object({ number: z.number() })).nullish(),
});

async function triggeringRun(
  inputs: Inputs,
  context: ActionContext,
  octokit: GitHubClient,
): Promise<WorkflowRunContext> {
  const runId = inputs.runId;
  if (runId !== undefined) {
    const call: ApiCall = {
      operation: `reading workflow run ${runId}`,
      request: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
      permission: 'actions: read',
    };
    let data: unknown;
    try {
      data = (await octokit.rest.actions.getWorkflowRun({ ...context.repo, run_id: runId })).data;
    } catch (error) {
      if (httpStatus(error) === 404) {
        throw new InputError(
          INPUT.runId,
          String(runId),
          `the id of a workflow run of ${context.repo.owner}/${context.repo.repo}`,
          `${call.operation} (${call.request}) answered HTTP 404: no such run here, or the token cannot see it (it needs \`actions: read\`)`,
        );
      }
      throw apiError(call, error);
    }
    return workflowRunContext(answerShape(call, runShape, data));
  }
  if (context.workflowRun) return context.workflowRun;
  throw new InputError(
    INPUT.runId,
    '',
    `a workflow run id, because this ${context.eventName || 'local'} event is not workflow_run`,
  );
}

/** Reads and validates the artifact; every rejection says which run and artifact. */
async function readResult(
  octokit: GitHubClient,
  context: ActionContext,
  run: WorkflowRunContext,
  artifactName: string,
  downloadTimeoutMs: number | undefined,
): Promise<Result> {
  const artifact = await findRunArtifact(octokit, context.repo, run.id, artifactName);
  if (!artifact) {
    throw new ArtifactError(
      `workflow run ${run.id} (${run.event}, conclusion ${run.conclusion ?? 'none'}) has no artifact ${artifactName}: did its perfgate step (mode collect, report-id matching) run and upload?`,
      'missing',
      artifactName,
    );
  }
  const bytes = await readArtifactFile(octokit, context.repo, artifact, {
    maxBytes: MAX_RESULT_BYTES,
    ...(downloadTimeoutMs === undefined ? {} : { timeoutMs: downloadTimeoutMs }),
  });
  try {
    return parseResult(bytes, { maxBytes: MAX_RESULT_BYTES });
  } catch (error) {
    throw new ArtifactError(
      `artifact ${artifactName} of workflow run ${run.id} was rejected: ${error instanceof Error ? error.message : String(error)}`,
      'malformed',
      artifactName,
    );
  }
}

/**
 * The artifact with its verdict recomputed from its rows (see verdict/recheck.ts), under
 * `fail-on: regression`: the report workflow's own `fail-on` decides what fails, not the one the
 * pull request's workflow measured with.
 */
export function recheckedResult(result: Result, source: string): Result {
  const { verdict, disagreement: d } = recheckResult({
    verdict: result.verdict,
    alpha: result.gate.alpha,
    comparisons: result.comparisons,
    budgets: result.budgets,
    stoppedBy: result.sampling.stoppedBy,
  });
  if (d) {
    const row =
      d.benchmark === undefined
        ? ''
        : ` (${[d.benchmark, d.target, d.metric].filter(Boolean).join(' · ')})`;
    throw new InconsistentResultError(
      `${source} contradicts its own numbers at ${d.field}${row}: it says ${d.claimed}, recomputed ${d.recomputed}${d.reason ? ` (${d.reason})` : ''}; nothing was published`,
      d.field,
    );
  }
  return { ...result, verdict };
}

/** Said in every comment of this mode, first among the notes. */
export function trustNote(runId: number): string {
  return `Measured by workflow run ${runId}, which ran the pull request's own code: the pull request can alter its own measurement, so this result is only as trustworthy as that code. perfgate checked that the verdict follows from the reported numbers, not the numbers themselves.`;
}

/** The artifact's result, read, checked against this repository and report id, and its
 *  statuses and verdict recomputed; anything wrong with it is thrown. */
async function acceptedResult(
  octokit: GitHubClient,
  context: ActionContext,
  inputs: Inputs,
  run: WorkflowRunContext,
  artifactName: string,
  deps: ActionDeps,
): Promise<Result> {
  const read = await readResult(octokit, context, run, artifactName, deps.downloadTimeoutMs);
  deps.io.info(`Read ${artifactName} of workflow run ${run.id}: verdict ${read.verdict}.`);
  const repository = `${context.repo.owner}/${context.repo.repo}`;
  if (read.mode !== 'collect' && read.mode !== 'compare') {
    throw new ArtifactMismatchError(
      `artifact ${artifactName} holds a ${read.mode} result; report publishes collect results`,
      'mode',
    );
  }
  if (read.repository !== undefined && read.repository !== repository) {
    throw new ArtifactMismatchError(
      `artifact ${artifactName} was measured in ${read.repository}, not ${repository}`,
      'repository',
    );
  }
  if (read.reportId !== undefined && read.reportId !== inputs.reportId) {
    throw new ArtifactMismatchError(
      `artifact ${artifactName} carries report id "${read.reportId}", not "${inputs.reportId}"`,
      'reportId',
    );
  }
  return recheckedResult(read, `artifact ${artifactName} of workflow run ${run.id}`);
}

export async function runReport(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const octokit = deps.github(inputs.githubToken);
  const run = await triggeringRun(inputs, context, octokit);
  const artifactName = resultArtifactName(inputs.reportId);
  let result: Result;
  try {
    result = await acceptedResult(octokit, context, inputs, run, artifactName, deps);
  } catch (error) {
    // An artifact that is missing, malformed, of another report or forged must not leave the
    // pull request silent: a failing check on the commit the collect run built says why.
    // Nothing else is posted. (An API outage is not the artifact's fault: no check for that.)
    const refused =
      error instanceof ArtifactError ||
      error instanceof ArtifactMismatchError ||
      error instanceof InconsistentResultError;
    if (inputs.checkRun && refused) {
      const detailsUrl = runUrl(context);
      await refusalCheck(
        octokit,
        {
          repo: context.repo,
          headSha: run.headSha,
          reportId: inputs.reportId,
          ...(detailsUrl ? { detailsUrl } : {}),
        },
        error,
        io,
      );
    }
    throw error;
  }

  const { pullRequest, refusal, failure } = await verifiedPullRequest(
    octokit,
    context,
    run,
    result,
  );
  if (refusal) io.warning(refusal);

  const resultPath = resultPathFor(context, inputs.reportId);
  await writeResult(resultPath, result);
  return publishStep(
    octokit,
    result,
    {
      repo: context.repo,
      pullRequest,
      ...(refusal ? { pullRequestNote: `PR comment: **not posted**: ${refusal}` } : {}),
      ...(failure ? { pullRequestError: failure } : {}),
      // The commit the collect run built: the check belongs to it whatever the artifact says.
      headSha: run.headSha,
      reportId: inputs.reportId,
      comment: inputs.comment,
      checkRun: inputs.checkRun,
      // This mode reads no config: the input, else the default.
      failOn: resolveFailOn(inputs.failOn, undefined, `input \`${INPUT.failOn}\``),
      detailsUrl: runUrl(context),
      artifactName,
      caveat: trustNote(run.id),
    },
    {
      resultPath,
      notesBefore: [`Source: artifact \`${artifactName}\` of workflow run ${run.id}.`],
    },
    io,
  );
}

const pullShape = z.object({ head: z.object({ sha: z.string() }) });

/**
 * The artifact's pull request if the triggering run really built it; else why not: a refusal
 * (a warning: the pull request is not this run's, or the token may not read it) or a failure
 * (GitHub failed: the step fails once the check run and the summary are written).
 */
async function verifiedPullRequest(
  octokit: GitHubClient,
  context: ActionContext,
  run: WorkflowRunContext,
  result: Result,
): Promise<{ pullRequest?: number; refusal?: string; failure?: string }> {
  const number = result.pullRequest;
  if (number === undefined) {
    return {
      refusal: `the result names no pull request (workflow run ${run.id} ran on ${run.event}); nothing to comment on.`,
    };
  }
  if (run.pullRequests.length > 0 && !run.pullRequests.includes(number)) {
    return {
      refusal: `the artifact names pull request #${number}, but workflow run ${run.id} belongs to #${run.pullRequests.join(', #')}.`,
    };
  }
  const call: ApiCall = {
    operation: `reading pull request #${number} to check that workflow run ${run.id} built its head`,
    request: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
    permission: 'pull-requests: write',
  };
  let headSha: string;
  try {
    const { data } = await callGitHub(call, () =>
      octokit.rest.pulls.get({ ...context.repo, pull_number: number }),
    );
    headSha = answerShape(call, pullShape, data).head.sha;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404)
      return { refusal: `the artifact names pull request #${number}, which does not exist here.` };
    const message = getErrorMessage(error);
    if (status === 403) return { refusal: `not commenting, since ${message}` };
    return { failure: `not commenting, since ${message}` };
  }
  if (headSha !== run.headSha) {
    return {
      refusal: `pull request #${number} is at ${headSha.slice(0, 7)}, but workflow run ${run.id} built ${run.headSha.slice(0, 7)}: either the pull request moved on (a newer run will report) or the artifact names the wrong pull request.`,
    };
  }
  return { pullRequest: number };
}
