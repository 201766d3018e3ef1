// mode `compare` (pull_request): measure head vs merge-base in this job, upload the result,
// post the comment and the check run, write the summary and outputs.

import { InputError, type Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import { INPUT, resultArtifactName } from '../constants.js';
import { getErrorMessage } from '../errors.js';
import { failedCheckReport, finishCheckRun } from '../github/check-run.js';
import type { ActionContext } from '../github/context.js';
import { artifactBaseline } from '../history/baseline-artifact.js';
import { loadActionConfig, measure } from './measure.js';
import { checkTarget, finishPublishedStep, publishToPullRequest, startCheck } from './publish.js';

export interface ModeOutcome {
  /** Why the step fails; undefined when it succeeds. */
  failure?: string;
  /** The exit code when it fails: 1 for the gate (a regression or a budget), 3 when the report
   *  could not be published (exit 1 is the contract's "regression" and must mean only that).
   *  Absent means 1. */
  exitCode?: number;
}

/** The run's page, where the job summary with the full report is. */
export function runUrl(context: ActionContext): string | undefined {
  if (!context.runId) return undefined;
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}

/** The base to compare with: the input, else the pull request's base commit (named by its
 *  branch in reports, since a commit id is what the event pins but not what people read). */
export function baseFor(
  inputs: Inputs,
  context: ActionContext,
): { base: string; baseLabel?: string } {
  if (inputs.base !== undefined) return { base: inputs.base };
  const pr = context.pullRequest;
  if (pr === undefined) {
    throw new InputError(
      INPUT.base,
      '',
      `a base branch or commit, because this ${context.eventName || 'local'} event carries no pull request`,
    );
  }
  return { base: pr.baseSha, baseLabel: pr.baseRef };
}

export async function runCompare(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  const { io } = deps;
  const { base, baseLabel } = baseFor(inputs, context);
  const pr = context.pullRequest;
  if (context.eventName === 'pull_request_target') {
    io.warning(
      'mode `compare` on pull_request_target builds and runs the pull request with a token that can write: use the collect/report pair for pull requests from forks.',
    );
  }
  const { config, baseline: baselineSource } = await loadActionConfig(inputs, deps);
  const octokit = deps.github(inputs.githubToken);
  const plan = {
    repo: context.repo,
    headSha: pr?.headSha ?? context.sha,
    reportId: inputs.reportId,
    detailsUrl: runUrl(context),
  };
  const startedCheckRunId = inputs.checkRun ? await startCheck(octokit, plan, io) : undefined;

  let measured: Awaited<ReturnType<typeof measure>>;
  try {
    measured = await measure(inputs, context, deps, config, {
      mode: 'compare',
      base,
      baseLabel,
      pullRequest: pr?.number,
      ...(baselineSource.from === 'artifact'
        ? {
            storedBase: artifactBaseline(
              octokit,
              context.repo,
              { reportId: inputs.reportId, config },
              (line) => io.info(line),
            ),
          }
        : {}),
    });
  } catch (error) {
    if (startedCheckRunId !== undefined) {
      // Leave no check spinning: it says what went wrong. Best effort; the error is what counts.
      await finishCheckRun(
        octokit,
        checkTarget(plan),
        failedCheckReport(getErrorMessage(error)),
        startedCheckRunId,
      ).catch((e) => io.warning(`Could not complete the check run: ${getErrorMessage(e)}`));
    }
    throw error;
  }
  const { result, resultPath, failOn } = measured;

  const artifactName = resultArtifactName(inputs.reportId);
  const notes: string[] = [];
  let artifactId: number | undefined;
  try {
    artifactId = (await deps.upload(artifactName, resultPath)).id;
    notes.push(`Result artifact: \`${artifactName}\` (id ${artifactId}).`);
  } catch (error) {
    // The comment and summary still carry the report; say that the JSON stayed on the runner.
    io.warning(`Could not upload the result artifact ${artifactName}: ${getErrorMessage(error)}`);
    notes.push(
      `Result artifact: **not uploaded** (${getErrorMessage(error)}); the JSON stayed at \`${resultPath}\` on the runner.`,
    );
  }

  const published = await publishToPullRequest(
    octokit,
    result,
    {
      ...plan,
      pullRequest: pr?.number,
      comment: inputs.comment,
      checkRun: inputs.checkRun,
      failOn,
      startedCheckRunId,
      ...(artifactId !== undefined ? { artifactName } : {}),
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
      artifactId,
      ...(artifactId !== undefined ? { artifactName } : {}),
      notes: [...published.notes, ...notes],
    },
    failOn,
  );
}
