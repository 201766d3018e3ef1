// mode `trend` (the nightly): tonight's head measured against the previous nightly's commit with
// the compare machinery (plan → pipeline → verdict; the base is that commit itself, not a
// merge-base), a confirmed regression bisected to its commit (bisect.ts), the run appended to the
// history file and the history's change points reported as information.
//
// Also, unless --creep-days is 0, head against its commit of about 30 days back, for creep that
// no single night's step shows; when only that comparison regressed, its range is bisected.
//
// Time: --budget (gate.time-budget) is the whole sampling time, shared equally by the night's
// comparison, the creep comparison and (when a range of more than one commit could need it) the
// bisect, which also gets what the comparisons leave (they stop early once clear); its ⌈log2 N⌉
// steps share that, and a retried step takes twice its share, which the notes say.
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
import type { Comparison, Culprit, Result, Trend } from '../result.js';
import { applyFailOn } from '../verdict/fail-on.js';
import { GitError, git } from '../workspace/index.js';
import { bisect } from './bisect.js';
import { finishRun, type RunDeps, type RunOutcome, type RunRequest, settle } from './measure.js';

export interface TrendRequest extends RunRequest {
  /** The history file read, appended to and written back; its last commit is the default base. */
  history?: string;
  /** How errors name the base: the CLI's `--base` unless told (the action's `base` input). */
  baseName?: string;
  /** How far back the creep comparison's commit lies, in days; 0 turns it off. */
  creepDays?: number;
}

/** About a month: long enough for twenty small steps to add up, short enough that the commit
 *  still builds with today's toolchain and the bisect stays a handful of steps. */
export const CREEP_DAYS = 30;

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
  const creepDays = request.creepDays ?? CREEP_DAYS;
  const creep =
    creepDays > 0 ? await creepRange(headSha, baseSha, commits, creepDays, cwd, notes) : undefined;

  // Each comparison gets an equal share of the budget, and the bisect one more when a range of
  // more than one commit could need it; what the comparisons leave (they stop early once clear)
  // goes to the bisect too.
  const total = config.gate.timeBudgetMs;
  const bisectable = count > 1 || (creep !== undefined && creep.commits.length > 1);
  const share = total / ((creep ? 2 : 1) + (bisectable ? 1 : 0));
  const measure = (base: string, baseLabel: string, head: string, budgetMs: number, seed: number) =>
    deps.measure({
      cwd,
      config: withGate(config, budgetMs, seed),
      mode: 'trend',
      base,
      head,
      baseLabel,
      ...(deps.progress ? { onProgress: deps.progress } : {}),
      ...(deps.outputGroup ? { outputGroup: deps.outputGroup } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      log: deps.log,
    });

  const baseLabel = request.baseLabel ?? baseRef;
  const main = await measure(baseSha, baseLabel, headRef, share, 0);
  const trendSection: Trend = {
    base: { ref: baseLabel, sha: baseSha },
    head: { ref: headRef, sha: headSha },
    commits: count,
    steps: [],
    culprit: null,
    changePoints: [],
  };
  let spent = main.sampling.elapsedMs;
  let creepRegressed: Comparison[] = [];
  let verdict = main.verdict;
  if (creep) {
    const label = `${creepDays} days back`;
    deps.log(`creep: ${headRef} against ${creep.sha.slice(0, 12)} (${label})`);
    const far = await measure(creep.sha, label, headRef, share, CREEP_SEED);
    spent += far.sampling.elapsedMs;
    creepRegressed = clearestFirst(far.comparisons);
    trendSection.creep = {
      base: { ref: label, sha: creep.sha },
      days: creepDays,
      commits: creep.commits.length,
      verdict: far.verdict,
      pairs: far.sampling.pairs,
      regressed: creepRegressed.slice(0, 100),
    };
    if (creepRegressed.length > 0) {
      // A confirmed regression either way fails the night (as `fail-on` says).
      verdict = applyFailOn('fail', config.gate.failOn).verdict;
      if (!clearestFirst(main.comparisons)[0]) {
        notes.push(
          `No night-to-night regression, but head is slower than ${creep.sha.slice(0, 12)} of ${creepDays} days back: creep over ${creep.commits.length} commits.`,
        );
      }
    }
  }

  // The range to bisect: the night's when it regressed, else the creep's.
  const nightly = clearestFirst(main.comparisons)[0];
  const chased = nightly ?? creepRegressed[0];
  const range = nightly
    ? { base: baseSha, commits }
    : creep && chased
      ? { base: creep.sha, commits: creep.commits }
      : undefined;
  const rangeCount = range?.commits?.length ?? 0;
  if (range?.commits && rangeCount === 1) {
    trendSection.culprit = await culpritOf(range.commits[0]!, cwd);
    notes.push(
      `One commit since ${range.base === baseSha ? 'the previous nightly' : 'the creep comparison’s commit'}: it is the culprit, without a bisect.`,
    );
  } else if (range?.commits && rangeCount > 1) {
    const depth = Math.ceil(Math.log2(rangeCount));
    const stepBudget = Math.max(total - spent, share) / depth;
    deps.log(
      `bisect: ${chased!.key} regressed over ${rangeCount} commits; up to ${depth} steps of ${Math.round(stepBudget / 1000)} s of sampling each`,
    );
    let stepIndex = 0;
    const found = await bisect({
      base: range.base,
      commits: range.commits,
      metric: chased!.key,
      confirmed: { change: chased!.change, better: chased!.better },
      compare: (head, attempt) =>
        measure(
          range.base,
          range.base === baseSha ? baseLabel : `${creepDays} days back`,
          head,
          stepBudget * attempt,
          ++stepIndex,
        ),
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

  const result: Result = {
    ...main,
    ...request.about,
    verdict,
    notes: [...notes, ...main.notes],
  };
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

/** The creep comparison's seed offset: apart from the night's (0) and the bisect steps' (1…). */
const CREEP_SEED = 1_000_003;

/** The regressed comparisons, the clearest first (the one a bisect follows): the change over
 *  its interval's width, so the bisect chases the metric its steps can tell apart soonest,
 *  not the largest change of a noisy tail metric. */
function clearestFirst(comparisons: readonly Comparison[]): Comparison[] {
  const clarity = (c: Comparison) => Math.abs(c.change) / Math.max(c.ci[1] - c.ci[0], 1e-12);
  return comparisons
    .filter((c) => c.status === 'regressed')
    .sort((a, b) => clarity(b) - clarity(a));
}

/**
 * The creep comparison's base: the newest first-parent commit of head whose committer date is
 * at least `days` before head's (head's date, not the clock, so a run is reproducible). None,
 * with a note, when the line is younger than that, or when that commit is not older than the
 * previous nightly (the night's comparison already spans it).
 */
async function creepRange(
  head: string,
  base: string,
  nightly: readonly string[] | undefined,
  days: number,
  cwd: string,
  notes: string[],
): Promise<{ sha: string; commits: string[] } | undefined> {
  const headTime = Number(await git(['log', '-1', '--format=%ct', head], cwd));
  const before = headTime - days * 86_400;
  const sha = await git(['rev-list', '--first-parent', '-1', `--before=${before}`, head], cwd);
  if (sha === '') {
    notes.push(
      `No commit on head’s first-parent line is ${days} days older than head: no creep comparison tonight.`,
    );
    return undefined;
  }
  if (sha === base || nightly?.includes(sha)) {
    notes.push(
      `The previous nightly is itself ${days} or more days old: its comparison covers the creep window.`,
    );
    return undefined;
  }
  const commits = await firstParentCommits(sha, head, cwd);
  return { sha, commits: commits ?? [] };
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
