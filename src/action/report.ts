// mode `report` (workflow_run, after a `collect` run): read the result artifact of the run that
// triggered this one, validate it as untrusted input, and publish it. Nothing from the pull
// request is checked out or run; the artifact is data, read with size limits and the schema.
//
// The artifact names its pull request, but it was written by the pull request's code, so that
// number is verified: the pull request's head must be the commit the triggering run built.
// Otherwise a fork could make this workflow comment on someone else's pull request.
import { INPUT, resultArtifactName } from '../constants.js';
import { ArtifactError, findRunArtifact, readArtifactFile } from '../github/artifacts.js';
import type { ActionContext, WorkflowRunContext } from '../github/context.js';
import type { GitHubClient } from '../github/octokit.js';
import { parseResult } from '../report/json.js';
import { MAX_RESULT_BYTES, type Result } from '../result.js';
import { type ModeOutcome, runUrl } from './compare.js';
import { InputError, type Inputs } from './inputs.js';
import type { ActionDeps } from './io.js';
import { resultPathFor, writeResult } from './measure.js';
import { finishPublishedStep, publishToPullRequest } from './publish.js';

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

async function triggeringRun(
  inputs: Inputs,
  context: ActionContext,
  octokit: GitHubClient,
): Promise<WorkflowRunContext> {
  if (inputs.runId !== undefined) {
    const { data } = await octokit.rest.actions.getWorkflowRun({
      ...context.repo,
      run_id: inputs.runId,
    });
    return {
      id: data.id,
      name: data.name ?? undefined,
      event: data.event,
      headSha: data.head_sha,
      headBranch: data.head_branch,
      conclusion: data.conclusion,
      pullRequests: (data.pull_requests ?? []).map((p) => p.number),
    };
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

export async function runReport(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const octokit = deps.github(inputs.githubToken);
  const run = await triggeringRun(inputs, context, octokit);
  const artifactName = resultArtifactName(inputs.reportId);
  const result = await readResult(octokit, context, run, artifactName);
  io.info(`Read ${artifactName} of workflow run ${run.id}: verdict ${result.verdict}.`);

  const repository = `${context.repo.owner}/${context.repo.repo}`;
  if (result.mode !== 'collect' && result.mode !== 'compare') {
    throw new ArtifactMismatchError(
      `artifact ${artifactName} holds a ${result.mode} result; report publishes collect results`,
      'mode',
    );
  }
  if (result.repository !== undefined && result.repository !== repository) {
    throw new ArtifactMismatchError(
      `artifact ${artifactName} was measured in ${result.repository}, not ${repository}`,
      'repository',
    );
  }
  if (result.reportId !== undefined && result.reportId !== inputs.reportId) {
    throw new ArtifactMismatchError(
      `artifact ${artifactName} carries report id "${result.reportId}", not "${inputs.reportId}"`,
      'reportId',
    );
  }

  const { pullRequest, refusal } = await verifiedPullRequest(octokit, context, run, result);
  if (refusal) io.warning(refusal);

  const resultPath = resultPathFor(context, inputs.reportId);
  await writeResult(resultPath, result);
  const failOn = inputs.failOn ?? 'regression';
  const published = await publishToPullRequest(
    octokit,
    result,
    {
      repo: context.repo,
      pullRequest,
      ...(refusal ? { pullRequestNote: `PR comment: **not posted**: ${refusal}` } : {}),
      // The commit the collect run built: the check belongs to it whatever the artifact says.
      headSha: run.headSha,
      reportId: inputs.reportId,
      comment: inputs.comment,
      checkRun: inputs.checkRun,
      failOn,
      detailsUrl: runUrl(context),
      artifactName,
    },
    io,
  );
  return finishPublishedStep(
    io,
    published,
    {
      result,
      resultPath,
      reportId: inputs.reportId,
      artifactName,
      notes: [
        `Source: artifact \`${artifactName}\` of workflow run ${run.id}.`,
        ...published.notes,
      ],
    },
    failOn,
  );
}

/** The artifact's pull request if the triggering run really built it; else why not. */
async function verifiedPullRequest(
  octokit: GitHubClient,
  context: ActionContext,
  run: WorkflowRunContext,
  result: Result,
): Promise<{ pullRequest?: number; refusal?: string }> {
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
  let headSha: string;
  try {
    headSha = (await octokit.rest.pulls.get({ ...context.repo, pull_number: number })).data.head
      .sha;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404)
      return { refusal: `the artifact names pull request #${number}, which does not exist here.` };
    throw error;
  }
  if (headSha !== run.headSha) {
    return {
      refusal: `pull request #${number} is at ${headSha.slice(0, 7)}, but workflow run ${run.id} built ${run.headSha.slice(0, 7)}: either the pull request moved on (a newer run will report) or the artifact names the wrong pull request.`,
    };
  }
  return { pullRequest: number };
}
