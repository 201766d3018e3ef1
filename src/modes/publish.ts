// Publishing a Result: the PR comment, the check run, the job summary and the step outputs,
// and the decision whether the step fails. Shared by the action's compare (which measured) and
// report (which read a fork's artifact), and by collect and record for the summary and outputs. A publisher that is refused (HTTP 403, a read-only token) is
// not a failed run: the log and the job summary say where the report went instead.

import type { ActionDeps, ActionIo } from '../action/io.js';
import {
  type CommentPolicy,
  checkRunName,
  DEFAULT_REPORT_ID,
  type FailOn,
  OUTPUT,
} from '../constants.js';
import { EXIT, getErrorMessage } from '../errors.js';
import {
  type CheckRunOutcome,
  type CheckRunReport,
  type CheckRunTarget,
  checkRunReport,
  failedCheckReport,
  finishCheckRun,
  startCheckRun,
} from '../github/check-run.js';
import { type CommentOutcome, upsertComment } from '../github/comment.js';
import type { RepoRef } from '../github/context.js';
import type { GitHubClient } from '../github/octokit.js';
import { isAccepted } from '../report/acceptance.js';
import { commentRoom, reportMarker } from '../report/comment-marker.js';
import { escapeMarkdown } from '../report/escape.js';
import { renderMarkdown } from '../report/markdown.js';
import { countStatuses } from '../report/statuses.js';
import { renderSummary } from '../report/summary.js';
import type { Result } from '../result.js';
import { gateFailure, type ModeOutcome } from './outcome.js';

export interface PublishPlan {
  repo: RepoRef;
  /** Where the comment goes; none without a pull request. */
  pullRequest?: number;
  /** Why there is no pull request to comment on, for the summary (when not the obvious). */
  pullRequestNote?: string;
  /** Finding the pull request failed: the comment is not posted and the step fails, after the
   *  check run and the summary are written. */
  pullRequestError?: string;
  /** The commit the check run is attached to (the PR head). */
  headSha: string;
  reportId: string;
  comment: CommentPolicy;
  checkRun: boolean;
  failOn: FailOn;
  /** The workflow run's page, whose summary holds the full report. */
  detailsUrl?: string;
  /** The artifact holding the full result, named in the comment. */
  artifactName?: string;
  /** Shown under the title of the comment and the summary, whatever is cut. */
  caveat?: string;
  /** A check run started before measuring, to complete. */
  startedCheckRunId?: number;
}

export interface PublishOutcome {
  markdown: string;
  commentId?: number;
  checkRunId?: number;
  /** Where each part of the report went, as Markdown list items for the job summary. */
  notes: string[];
  /** Publishing errors other than a refusal; they fail the step after everything is written. */
  errors: string[];
}

/** The report id as the renderers show it: the default one is not named. */
function shownId(reportId: string): string | undefined {
  return reportId === DEFAULT_REPORT_ID ? undefined : reportId;
}

/** True when the comment policy `on-change` should speak up. */
export function somethingChanged(result: Result): boolean {
  const n = countStatuses(result);
  return n.regressed > 0 || n.improved > 0 || n.budgetsExceeded > 0;
}

export function checkTarget(
  plan: Pick<PublishPlan, 'repo' | 'headSha' | 'reportId' | 'detailsUrl'>,
): CheckRunTarget {
  return {
    repo: plan.repo,
    name: checkRunName(plan.reportId),
    headSha: plan.headSha,
    ...(plan.detailsUrl ? { detailsUrl: plan.detailsUrl } : {}),
  };
}

const FORK_HINT =
  'the token is read-only, as it is for pull requests from forks; the collect/report workflow pair posts from forks safely';

/** Starts the check run before a long measurement; a refusal or an error is only a warning. */
export async function startCheck(
  octokit: GitHubClient,
  plan: Pick<PublishPlan, 'repo' | 'headSha' | 'reportId' | 'detailsUrl'>,
  io: ActionIo,
): Promise<number | undefined> {
  try {
    const outcome = await startCheckRun(octokit, checkTarget(plan));
    if (outcome.action === 'forbidden') {
      io.warning(`Could not create the check run (HTTP 403: ${outcome.message}): ${FORK_HINT}.`);
      return undefined;
    }
    return outcome.id;
  } catch (error) {
    io.warning(`Could not create the check run: ${getErrorMessage(error)}. Measuring anyway.`);
    return undefined;
  }
}

/** A result refused as untrusted input (a missing, malformed or forged artifact, shards that do
 *  not belong together) must not leave the pull request silent: a failing check on its commit
 *  says why. Best effort: the error itself is what the step fails with. */
export async function refusalCheck(
  octokit: GitHubClient,
  plan: Pick<PublishPlan, 'repo' | 'headSha' | 'reportId' | 'detailsUrl'>,
  error: unknown,
  io: ActionIo,
): Promise<void> {
  await finishCheckRun(
    octokit,
    checkTarget(plan),
    failedCheckReport(getErrorMessage(error), 'refused'),
  ).catch((e) => io.warning(`Could not write the check run: ${getErrorMessage(e)}`));
}

/** Uploads the result artifact. A failed upload is a warning and a note for the summary, not a
 *  failed step: the comment and the summary still carry the report. */
export async function uploadResult(
  upload: ActionDeps['upload'],
  io: ActionIo,
  artifact: { name: string; label: string; resultPath: string; more?: string[] },
): Promise<{ artifactId?: number; note: string }> {
  const { name, label, resultPath } = artifact;
  try {
    const { id } = await upload(name, resultPath, artifact.more ?? []);
    return { artifactId: id, note: `${label}: \`${name}\` (id ${id}).` };
  } catch (error) {
    io.warning(`Could not upload the ${label.toLowerCase()} ${name}: ${getErrorMessage(error)}`);
    return {
      note: `${label}: **not uploaded** (${getErrorMessage(error)}); the JSON stayed at \`${resultPath}\` on the runner.`,
    };
  }
}

/** Posts the comment and completes the check run. */
export async function publishToPullRequest(
  octokit: GitHubClient,
  result: Result,
  plan: PublishPlan,
  io: ActionIo,
): Promise<PublishOutcome> {
  const marker = reportMarker(plan.reportId);
  const markdown = renderMarkdown(result, {
    reportId: shownId(plan.reportId),
    maxLength: commentRoom(marker),
    ...(plan.detailsUrl ? { detailsUrl: plan.detailsUrl } : {}),
    ...(plan.artifactName ? { artifactName: plan.artifactName } : {}),
    ...(plan.caveat ? { caveat: plan.caveat } : {}),
  });
  const outcome: PublishOutcome = { markdown, notes: [], errors: [] };

  if (plan.pullRequestError !== undefined) {
    io.warning(`PR comment: ${plan.pullRequestError}`);
    outcome.errors.push(`the PR comment could not be written: ${plan.pullRequestError}`);
    outcome.notes.push(`PR comment: **failed**: ${escapeMarkdown(plan.pullRequestError)}`);
  } else if (plan.pullRequest === undefined) {
    outcome.notes.push(plan.pullRequestNote ?? 'PR comment: none, this run has no pull request.');
  } else {
    try {
      const comment = await upsertComment(octokit, {
        repo: plan.repo,
        issueNumber: plan.pullRequest,
        marker,
        markdown,
        policy: plan.comment,
        changed: somethingChanged(result),
      });
      outcome.commentId = describeComment(comment, plan.pullRequest, outcome, io);
    } catch (error) {
      outcome.errors.push(`the PR comment could not be written: ${getErrorMessage(error)}`);
      outcome.notes.push(`PR comment: **failed**: ${escapeMarkdown(getErrorMessage(error))}`);
    }
  }

  if (!plan.checkRun) {
    outcome.notes.push('Check run: none (`check-run: false`).');
  } else {
    const report: CheckRunReport = checkRunReport(result, { failOn: plan.failOn, markdown });
    if (isAccepted(result)) report.title = `accepted by @${result.acceptance!.by}: ${report.title}`;
    try {
      const check = await finishCheckRun(
        octokit,
        checkTarget(plan),
        report,
        plan.startedCheckRunId,
      );
      outcome.checkRunId = describeCheck(check, report, outcome, io);
    } catch (error) {
      outcome.errors.push(`the check run could not be written: ${getErrorMessage(error)}`);
      outcome.notes.push(`Check run: **failed**: ${escapeMarkdown(getErrorMessage(error))}`);
    }
  }
  return outcome;
}

function describeComment(
  comment: CommentOutcome,
  pullRequest: number,
  outcome: PublishOutcome,
  io: ActionIo,
): number | undefined {
  switch (comment.action) {
    case 'created':
    case 'updated':
      io.info(`PR comment ${comment.action}: ${comment.url}`);
      outcome.notes.push(`PR comment: [${comment.action} on #${pullRequest}](${comment.url}).`);
      return comment.id;
    case 'skipped':
      io.info(`PR comment: not posted, ${comment.reason}.`);
      outcome.notes.push(`PR comment: not posted, ${comment.reason}.`);
      return undefined;
    case 'forbidden':
      io.warning(
        `Could not comment on pull request #${pullRequest} (HTTP 403: ${comment.message}): ${FORK_HINT}. The report is in this job's summary and in the result artifact.`,
      );
      outcome.notes.push(
        `PR comment: **not posted**, GitHub refused it (HTTP 403: ${escapeMarkdown(comment.message)}); ${FORK_HINT}.`,
      );
      return undefined;
  }
}

function describeCheck(
  check: CheckRunOutcome,
  report: CheckRunReport,
  outcome: PublishOutcome,
  io: ActionIo,
): number | undefined {
  if (check.action === 'forbidden') {
    io.warning(`Could not write the check run (HTTP 403: ${check.message}): ${FORK_HINT}.`);
    outcome.notes.push(
      `Check run: **not written**, GitHub refused it (HTTP 403: ${escapeMarkdown(check.message)}).`,
    );
    return undefined;
  }
  io.info(`Check run ${check.action}: ${report.conclusion}, ${report.title}`);
  outcome.notes.push(
    `Check run: [${report.conclusion}](${check.url}), ${escapeMarkdown(report.title)}.`,
  );
  return check.id;
}

export interface StepReport {
  result: Result;
  resultPath: string;
  reportId: string;
  markdown?: string;
  commentId?: number;
  checkRunId?: number;
  artifactId?: number;
  artifactName?: string;
  caveat?: string;
  notes: string[];
}

/** Job summary (the full report and where it went) and every output. */
export async function writeStepReport(io: ActionIo, step: StepReport): Promise<void> {
  const summary = renderSummary(step.result, {
    reportId: shownId(step.reportId),
    ...(step.artifactName ? { artifactName: step.artifactName } : {}),
    ...(step.caveat ? { caveat: step.caveat } : {}),
  });
  const where = step.notes.length
    ? `\n\n#### Where this report went\n\n${step.notes.map((n) => `- ${n}`).join('\n')}\n`
    : '';
  try {
    await io.appendSummary(`${summary}${where}`);
  } catch (error) {
    io.warning(`Could not write the job summary: ${getErrorMessage(error)}`);
  }
  const n = countStatuses(step.result);
  io.setOutput(OUTPUT.verdict, step.result.verdict);
  io.setOutput(OUTPUT.regressions, String(n.regressed + n.budgetsExceeded));
  io.setOutput(OUTPUT.resultPath, step.resultPath);
  io.setOutput(OUTPUT.commentId, step.commentId === undefined ? '' : String(step.commentId));
  io.setOutput(OUTPUT.checkRunId, step.checkRunId === undefined ? '' : String(step.checkRunId));
  io.setOutput(OUTPUT.artifactId, step.artifactId === undefined ? '' : String(step.artifactId));
  io.setOutput(
    OUTPUT.markdown,
    step.markdown ?? renderMarkdown(step.result, { reportId: shownId(step.reportId) }),
  );
}

/**
 * The end of a mode that publishes to a pull request (compare, report): the comment and the
 * check run, then the job summary and outputs, then why the step fails, if it does: the gate's
 * own failure and any publishing error (written after everything else, so nothing is lost to it).
 */
export async function publishStep(
  octokit: GitHubClient,
  result: Result,
  plan: PublishPlan,
  step: {
    resultPath: string;
    artifactId?: number;
    /** Where the report went, said before and after the comment's and the check's notes. */
    notesBefore?: string[];
    notesAfter?: string[];
  },
  io: ActionIo,
): Promise<ModeOutcome> {
  const published = await publishToPullRequest(octokit, result, plan, io);
  await writeStepReport(io, {
    result,
    resultPath: step.resultPath,
    reportId: plan.reportId,
    ...(step.artifactId !== undefined ? { artifactId: step.artifactId } : {}),
    ...(plan.artifactName ? { artifactName: plan.artifactName } : {}),
    ...(plan.caveat ? { caveat: plan.caveat } : {}),
    notes: [...(step.notesBefore ?? []), ...published.notes, ...(step.notesAfter ?? [])],
    markdown: published.markdown,
    commentId: published.commentId,
    checkRunId: published.checkRunId,
  });
  const failure = gateFailure(result, plan.failOn);
  if (published.errors.length === 0) return { failure };
  return {
    failure: [failure, `perfgate: ${published.errors.join('; ')}`].filter(Boolean).join('\n'),
    // A regression stays exit 1 whatever else went wrong; otherwise publishing failed: 3.
    exitCode: failure ? EXIT.regression : EXIT.measurement,
  };
}

/** The job summary of a step that stopped with an error: what went wrong, escaped. */
export function failureSummary(message: string, hint?: string): string {
  const lines = ['### ❌ perfgate could not finish', '', escapeMarkdown(message)];
  if (hint) lines.push('', escapeMarkdown(hint));
  return `${lines.join('\n')}\n`;
}
