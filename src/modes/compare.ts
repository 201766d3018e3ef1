// mode `compare`: head against its merge-base, measured in one run. `compare` is the mode for
// either entry; `runCompare` is the action's (pull_request): it starts the check run once the
// config is known good, uploads the result, posts the comment, completes the check and writes
// the summary and outputs.

import type { Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { DEFAULT_ACCEPT_LABEL, resultArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import { acceptedResult, withCommentPullRequest } from '../github/acceptance.js';
import { failedCheckReport, finishCheckRun } from '../github/check-run.js';
import type { ActionContext } from '../github/context.js';
import { artifactBaseline } from '../history/baseline-artifact.js';
import { profileFiles } from '../profile/artifact.js';
import { actionRequest, actionRunDeps, runUrl } from './action-run.js';
import {
  measureRun,
  type RunDeps,
  type RunOutcome,
  type RunRequest,
  writeResult,
} from './measure.js';
import type { ModeOutcome } from './outcome.js';
import { checkTarget, publishStep, startCheck, uploadResult } from './publish.js';

/** A stored baseline of the merge-base stands in for measuring it where the request allows. */
export function compare(request: RunRequest, deps: RunDeps): Promise<RunOutcome> {
  return measureRun('compare', request, deps);
}

export async function runCompare(
  inputs: Inputs,
  eventContext: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  // `/perfgate accept` comes as an issue_comment: its pull request is read through the API.
  const context = await withCommentPullRequest(deps.github(inputs.githubToken), eventContext);
  // The base is needed before anything else: without a pull request, the input must name it.
  const request = actionRequest('compare', inputs, context, deps);
  const pr = context.pullRequest;
  if (context.eventName === 'pull_request_target') {
    io.warning(
      'mode `compare` on pull_request_target builds and runs the pull request with a token that can write: use the collect/report pair for pull requests from forks.',
    );
  }
  const octokit = deps.github(inputs.githubToken);
  const target = {
    repo: context.repo,
    headSha: pr?.headSha ?? context.sha,
    reportId: inputs.reportId,
    detailsUrl: runUrl(context),
  };
  let startedCheckRunId: number | undefined;
  let measured: RunOutcome;
  try {
    measured = await compare(
      request,
      actionRunDeps(deps, {
        settled: async () => {
          if (inputs.checkRun) startedCheckRunId = await startCheck(octokit, target, io);
        },
        artifactBaseline: (config) =>
          artifactBaseline(octokit, context.repo, { reportId: inputs.reportId, config }, (line) =>
            io.info(line),
          ),
      }),
    );
  } catch (error) {
    if (startedCheckRunId !== undefined) {
      // Leave no check spinning: it says what went wrong. Best effort; the error is what counts.
      await finishCheckRun(
        octokit,
        checkTarget(target),
        failedCheckReport(getErrorMessage(error)),
        startedCheckRunId,
      ).catch((e) => io.warning(`Could not complete the check run: ${getErrorMessage(e)}`));
    }
    throw error;
  }
  const { config } = measured;
  const resultPath = measured.resultPath!;
  // A maintainer's acceptance (label or `/perfgate accept`), kept in the result JSON too.
  const result = pr
    ? await acceptedResult(
        octokit,
        measured.result,
        {
          repo: context.repo,
          pullRequest: pr.number,
          reportId: inputs.reportId,
          label: inputs.acceptLabel ?? DEFAULT_ACCEPT_LABEL,
          event: context.acceptEvent,
          kept: inputs.comment !== 'never',
        },
        (m) => io.warning(m),
      )
    : measured.result;
  if (result !== measured.result) await writeResult(resultPath, result);

  const artifactName = resultArtifactName(inputs.reportId);
  const { artifactId, note } = await uploadResult(deps.upload, io, {
    name: artifactName,
    label: 'Result artifact',
    resultPath,
    more: profileFiles(result, resultPath),
  });

  return publishStep(
    octokit,
    result,
    {
      ...target,
      pullRequest: pr?.number,
      comment: inputs.comment,
      checkRun: inputs.checkRun,
      failOn: config.gate.failOn,
      startedCheckRunId,
      ...(artifactId !== undefined ? { artifactName } : {}),
    },
    { resultPath, artifactId, notesAfter: [note] },
    io,
  );
}
