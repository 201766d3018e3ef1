// The action's mode `trend` (schedule, workflow_dispatch): the history artifact of earlier
// nights downloaded, the trend measured and bisected (trend.ts), the culprit's pull request
// named, the appended history and the result uploaded, the tracking issue opened, updated,
// commented on or closed, and the job summary written.
import { join } from 'node:path';
import { InputError, type Inputs } from '../action/inputs.js';
import type { ActionDeps } from '../action/io.js';
import {
  DEFAULT_REPORT_ID,
  INPUT,
  resultArtifactName,
  SERIES_FILE_NAME,
  seriesArtifactName,
} from '../constants.js';
import { EXIT, getErrorMessage } from '../errors.js';
import type { ActionContext } from '../github/context.js';
import {
  mergedPullRequest,
  type TrackingOutcome,
  updateTrackingIssue,
} from '../github/tracking-issue.js';
import { readSeries } from '../history/series.js';
import { downloadHistory } from '../history/series-artifact.js';
import { escapeMarkdown } from '../report/escape.js';
import { trendNight } from '../report/tracking-issue.js';
import { actionRequest, actionRunDeps, runUrl } from './action-run.js';
import { writeResult } from './measure.js';
import type { ModeOutcome } from './outcome.js';
import { writeStepReport } from './publish.js';
import { trend } from './trend.js';

export async function runTrend(
  inputs: Inputs,
  context: ActionContext,
  deps: ActionDeps,
): Promise<ModeOutcome> {
  if (context.pullRequest) {
    throw new InputError(
      INPUT.mode,
      'trend',
      'a mode for this pull request event',
      '`trend` measures the default branch on `schedule` or `workflow_dispatch`; use `compare` on pull requests',
    );
  }
  const { io } = deps;
  const octokit = deps.github(inputs.githubToken);
  const request = actionRequest('trend', inputs, context, deps);
  const historyPath = join(context.runnerTemp, 'perfgate', inputs.reportId, SERIES_FILE_NAME);
  const download = await downloadHistory(octokit, context.repo, {
    reportId: inputs.reportId,
    path: historyPath,
    ...(deps.downloadTimeoutMs ? { downloadTimeoutMs: deps.downloadTimeoutMs } : {}),
  });
  for (const note of download.notes) io.info(note);
  const notes = [...download.notes];
  const { result, resultPath, failure } = await trend(
    {
      ...request,
      history: historyPath,
      baseName: `input \`${INPUT.base}\``,
      ...(inputs.creepDays !== undefined ? { creepDays: inputs.creepDays } : {}),
    },
    actionRunDeps(deps),
  );

  const culprit = result.trend?.culprit;
  if (culprit && culprit.pullRequest === undefined) {
    const pr = await mergedPullRequest(octokit, context.repo, culprit.sha);
    if (pr.number !== undefined) {
      culprit.pullRequest = pr.number;
      // The mode wrote the result before the API named the PR: the artifact must carry it too.
      await writeResult(resultPath!, result);
    } else notes.push(`Culprit's pull request: none named (${escapeMarkdown(pr.reason ?? '')}).`);
  }

  const historyName = seriesArtifactName(inputs.reportId);
  const stored = await deps.upload(historyName, historyPath);
  notes.push(`History artifact: \`${historyName}\` (id ${stored.id}).`);
  const resultName = resultArtifactName(inputs.reportId);
  const uploaded = await deps.upload(resultName, resultPath!);
  notes.push(`Result artifact: \`${resultName}\` (id ${uploaded.id}).`);

  const errors: string[] = [];
  try {
    const { series } = await readSeries(historyPath);
    const url = runUrl(context);
    const outcome = await updateTrackingIssue(octokit, trendNight(result, series.runs), {
      repo: context.repo,
      reportId: inputs.reportId,
      ...(inputs.reportId !== DEFAULT_REPORT_ID ? { shownId: inputs.reportId } : {}),
      ...(url ? { runUrl: url } : {}),
    });
    notes.push(trackingNote(outcome));
    io.info(trackingNote(outcome));
  } catch (error) {
    errors.push(`the tracking issue could not be written: ${getErrorMessage(error)}`);
    notes.push(`Tracking issue: **failed**: ${escapeMarkdown(getErrorMessage(error))}`);
  }

  await writeStepReport(io, {
    result,
    resultPath: resultPath!,
    reportId: inputs.reportId,
    artifactId: uploaded.id,
    artifactName: resultName,
    notes,
  });
  if (errors.length === 0) return { failure };
  return {
    failure: [failure, `perfgate: ${errors.join('; ')}`].filter(Boolean).join('\n'),
    exitCode: failure ? EXIT.regression : EXIT.measurement,
  };
}

function trackingNote(outcome: TrackingOutcome): string {
  if (outcome.action === 'nothing') return `Tracking issue: none (${outcome.reason}).`;
  return `Tracking issue: [${outcome.action} #${outcome.number}](${outcome.url}).`;
}
