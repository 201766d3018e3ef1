// mode `trend` (the nightly): tonight's head measured against the previous nightly's commit with
// the compare machinery (plan → pipeline → verdict; the base is that commit itself, not a
// merge-base), a confirmed regression bisected to its commit (bisect.ts), the run appended to the
// history file and the history's change points reported as information.
//
// Time: --budget (gate.time-budget) is the whole sampling time. With more than one commit to
// bisect, the comparison that must confirm the regression may take half, and what it leaves
// (it stops early once the regression is clear) is shared by the ⌈log2 N⌉ steps a bisect takes;
// a retried step takes twice its share, which the notes say when it happens.
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import {
  appendRun,
  lastCommit,
  readSeries,
  runRecord,
  type Series,
  seriesChangePoints,
  writeSeries,
} from '../history/series.js';
import type { Config } from '../model.js';
import type { Culprit, Result, Trend } from '../result.js';
import { GitError, git } from '../workspace/index.js';
import { bisect } from './bisect.js';
import { finishRun, type RunDeps, type RunOutcome, type RunRequest, settle } from './measure.js';

export interface TrendRequest extends RunRequest {
  /** The history file read, appended to and written back; its last commit is the default base. */
  history?: string;
  /** How errors name the base: the CLI's `--base` unless told (the action's `base` input). */
  baseName?: string;
}

export async function trend(request: TrendRequest, deps: RunDeps): Promise<RunOutcome> {
  const { config } = await settle(request, deps);
  const historyPath =
    request.history !== undefined ? resolve(request.cwd, request.history) : undefined;
  const history = historyPath ? await readSeries(historyPath) : undefined;
  const notes: string[] = [];
  if (history?.created) {
    notes.push(`History file ${historyPath} did not exist; a new history starts with this run.`);
  }

  const baseRef = request.base ?? (history ? lastCommit(history.series) : undefined);
  if (baseRef === undefined) {
    const name = request.baseName ?? '--base';
    throw new UsageError(
      history
        ? `${name}: not given, and the history file ${historyPath} holds no run to start from`
        : `${name}: not given, and no --history file to take the previous nightly’s commit from`,
      `Name the previous nightly’s commit with ${name}.`,
    );
  }
  const cwd = request.cwd;
  const baseSha = await commitId(baseRef, cwd, '--base');
  const headRef = request.head ?? 'HEAD';
  const headSha = await commitId(headRef, cwd, '--head');
  const commits = await firstParentCommits(baseSha, headSha, cwd);
  if (commits === undefined) {
    notes.push(
      `Base ${baseSha.slice(0, 12)} is not a first-parent ancestor of head ${headSha.slice(0, 12)} (history rewritten?): compared, but nothing to bisect.`,
    );
  }
  const count = commits?.length ?? 0;

  const total = config.gate.timeBudgetMs;
  const depth = count > 1 ? Math.ceil(Math.log2(count)) : 0;
  const mainBudget = depth > 0 ? total / 2 : total;
  const measure = (head: string, budgetMs: number, seedOffset: number) =>
    deps.measure({
      cwd,
      config: withGate(config, budgetMs, seedOffset),
      mode: 'trend',
      base: baseSha,
      head,
      baseLabel: request.baseLabel ?? baseRef,
      ...(deps.progress ? { onProgress: deps.progress } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      log: deps.log,
    });

  const main = await measure(headRef, mainBudget, 0);
  const trendSection: Trend = {
    base: { ref: request.baseLabel ?? baseRef, sha: baseSha },
    head: { ref: headRef, sha: headSha },
    commits: count,
    steps: [],
    culprit: null,
    changePoints: [],
  };
  const regressed = main.comparisons
    .filter((c) => c.status === 'regressed')
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))[0];
  if (regressed && commits && count === 1) {
    trendSection.culprit = await culpritOf(commits[0]!, cwd);
    notes.push('One commit since the previous nightly: it is the culprit, without a bisect.');
  } else if (regressed && commits && count > 1) {
    const stepBudget = Math.max(total - main.sampling.elapsedMs, total / 2) / depth;
    deps.log(
      `bisect: ${regressed.key} regressed over ${count} commits; up to ${depth} steps of ${Math.round(stepBudget / 1000)} s of sampling each`,
    );
    let stepIndex = 0;
    const found = await bisect({
      base: baseSha,
      commits,
      metric: regressed.key,
      compare: (head, attempt) => measure(head, stepBudget * attempt, ++stepIndex),
      log: deps.log,
    });
    trendSection.steps = found.steps;
    const retried = found.steps.filter((s) => s.attempts > 1).length;
    if (retried > 0) {
      notes.push(
        `${retried} bisect step(s) were inconclusive and measured again with twice their time, beyond the --budget share.`,
      );
    }
    for (const step of found.steps.filter((s) => s.outcome === 'skipped')) {
      notes.push(`Bisect skipped ${step.head.slice(0, 12)}: ${step.note ?? 'no answer'}.`);
    }
    if (found.firstBad) {
      trendSection.culprit = await culpritOf(found.firstBad, cwd);
    } else if (found.suspects) {
      trendSection.suspects = found.suspects;
      notes.push(
        `Bisect could not name one commit: the first bad one is among ${found.suspects.length} whose steps were skipped (${found.suspects.map((s) => s.slice(0, 12)).join(', ')}).`,
      );
    }
  }

  const result: Result = { ...main, ...request.about, notes: [...notes, ...main.notes] };
  if (history && historyPath) {
    const series: Series = appendRun(history.series, runRecord(result));
    await writeSeries(historyPath, series);
    deps.log(`History written to ${historyPath} (${series.runs.length} runs)`);
    trendSection.history = { path: historyPath, runs: series.runs.length };
    trendSection.changePoints = seriesChangePoints(series, config.gate.seed);
  }
  result.trend = trendSection;
  return finishRun(result, config, request, deps);
}

/** The config with this comparison's share of time, and its own seed so steps are independent. */
function withGate(config: Config, timeBudgetMs: number, seedOffset: number): Config {
  const seed = (config.gate.seed + seedOffset) >>> 0;
  return { ...config, gate: { ...config.gate, timeBudgetMs: Math.round(timeBudgetMs), seed } };
}

async function commitId(ref: string, cwd: string, flag: string): Promise<string> {
  try {
    return await git(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`], cwd);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    throw new UsageError(`${flag}: ${JSON.stringify(ref)} is not a commit of ${cwd}`);
  }
}

/** First-parent commits after base up to head, oldest first; undefined when base is not on
 *  head's first-parent line (a bisect needs one line of commits between good and bad). */
async function firstParentCommits(
  base: string,
  head: string,
  cwd: string,
): Promise<string[] | undefined> {
  if (base === head) return [];
  const line = await git(['rev-list', '--first-parent', head], cwd);
  const all = line.split('\n');
  const at = all.indexOf(base);
  if (at < 0) return undefined;
  return all.slice(0, at).reverse();
}

async function culpritOf(sha: string, cwd: string): Promise<Culprit> {
  const [subject = '', author = ''] = (
    await git(['log', '-1', '--format=%s%x00%an <%ae>', sha], cwd)
  ).split('\0');
  return { sha, subject: subject.slice(0, 1000), author: author.slice(0, 1000) };
}
