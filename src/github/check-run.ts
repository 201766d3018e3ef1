// The check run (Checks API): started when measuring begins, completed with the verdict.
// Conclusion: applyFailOn's (verdict/fail-on.ts): failure on a regression or an exceeded budget
// (neutral instead when `fail-on` is `never`), neutral when inconclusive, success otherwise.
import { z } from 'zod';
import { type FailOn, MAX_CHECK_TEXT_CHARS } from '../constants.js';
import type { Verdict } from '../model.js';
import { escapeMarkdown } from '../report/escape.js';
import { describeCounts } from '../report/statuses.js';
import type { Result } from '../result.js';
import { applyFailOn, type CheckConclusion } from '../verdict/fail-on.js';
import { type ApiCall, answerShape, callGitHub } from './api-error.js';
import type { RepoRef } from './context.js';
import { type GitHubClient, permissionDenied } from './octokit.js';

export type { CheckConclusion } from '../verdict/fail-on.js';

export interface CheckRunReport {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
}

export type CheckRunOutcome =
  | { action: 'created' | 'updated'; id: number; url: string }
  | { action: 'forbidden'; status: number; message: string };

export function checkConclusion(verdict: Verdict, failOn: FailOn): CheckConclusion {
  return applyFailOn(verdict, failOn).conclusion;
}

const TITLE_MAX = 200;

/** Title, summary and conclusion of a finished measurement; `markdown` is the rendered report. */
export function checkRunReport(
  result: Result,
  options: { failOn: FailOn; markdown: string },
): CheckRunReport {
  const gate = applyFailOn(result.verdict, options.failOn);
  let title = describeCounts(result);
  if (gate.waived) title += ' (not failing: fail-on is never)';
  if (result.verdict === 'inconclusive') title += ' (inconclusive)';
  return {
    conclusion: gate.conclusion,
    title: clip(title, TITLE_MAX),
    summary: fitSummary(options.markdown),
  };
}

/** The check of a run whose measurement itself failed, or (`refused`) whose result artifact
 *  `report` mode could not accept. */
export function failedCheckReport(
  message: string,
  kind: 'failed' | 'refused' = 'failed',
): CheckRunReport {
  const [title, lead] =
    kind === 'failed'
      ? ['The measurement failed', 'perfgate could not finish the measurement']
      : ['The result was not accepted', "perfgate did not publish the pull request's result"];
  return {
    conclusion: 'failure',
    title,
    summary: fitSummary(`${lead}:\n\n${escapeMarkdown(clip(message, 4000))}`),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** GitHub rejects summaries over 65,535 characters; the renderer stays below, this is the guard. */
function fitSummary(markdown: string): string {
  if (markdown.length <= MAX_CHECK_TEXT_CHARS) return markdown;
  const note = '\n\n… (cut to fit the check run; the job summary has the full report)';
  return markdown.slice(0, MAX_CHECK_TEXT_CHARS - note.length) + note;
}

export interface CheckRunTarget {
  repo: RepoRef;
  name: string;
  /** The PR head commit (not the test merge commit), so the check shows on the PR. */
  headSha: string;
  detailsUrl?: string;
}

/** Creates the check run in progress, so the PR shows that measuring has begun. */
export async function startCheckRun(
  octokit: GitHubClient,
  target: CheckRunTarget,
): Promise<CheckRunOutcome> {
  return guarded(() =>
    createCheck(octokit, target, {
      status: 'in_progress',
      started_at: new Date().toISOString(),
      ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    }),
  );
}

/** Completes the check run `id` (from startCheckRun), or creates a completed one. */
export async function finishCheckRun(
  octokit: GitHubClient,
  target: CheckRunTarget,
  report: CheckRunReport,
  id?: number,
): Promise<CheckRunOutcome> {
  return guarded(async () => {
    const fields = {
      conclusion: report.conclusion,
      completed_at: new Date().toISOString(),
      output: { title: report.title, summary: report.summary },
      ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    };
    if (id !== undefined) {
      const call: ApiCall = {
        operation: `completing check run ${id} (${target.name})`,
        request: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
        permission: 'checks: write',
      };
      const { data } = await callGitHub(call, () =>
        octokit.rest.checks.update({
          ...target.repo,
          check_run_id: id,
          status: 'completed',
          ...fields,
        }),
      );
      const written = answerShape(call, writtenCheck, data);
      return { action: 'updated', id: written.id, url: written.html_url ?? '' };
    }
    return createCheck(octokit, target, { status: 'completed', ...fields });
  });
}

/** POST a new check run for `target` with `fields` (its status, output, times). */
async function createCheck(
  octokit: GitHubClient,
  target: CheckRunTarget,
  fields: Omit<
    Parameters<GitHubClient['rest']['checks']['create']>[0] & object,
    'owner' | 'repo' | 'name' | 'head_sha'
  >,
): Promise<CheckRunOutcome> {
  const call = createCall(target);
  const { data } = await callGitHub(call, () =>
    octokit.rest.checks.create({
      ...target.repo,
      name: target.name,
      head_sha: target.headSha,
      ...fields,
    }),
  );
  const written = answerShape(call, writtenCheck, data);
  return { action: 'created', id: written.id, url: written.html_url ?? '' };
}

const writtenCheck = z.object({ id: z.number(), html_url: z.string().nullish() });

function createCall(target: CheckRunTarget): ApiCall {
  return {
    operation: `creating check run ${target.name} on ${target.headSha.slice(0, 7)}`,
    request: 'POST /repos/{owner}/{repo}/check-runs',
    permission: 'checks: write',
  };
}

async function guarded(call: () => Promise<CheckRunOutcome>): Promise<CheckRunOutcome> {
  try {
    return await call();
  } catch (error) {
    const forbidden = permissionDenied(error);
    if (forbidden) return { action: 'forbidden', ...forbidden };
    throw error;
  }
}
