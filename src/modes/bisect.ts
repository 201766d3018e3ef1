// The bisect of a confirmed nightly regression: which first-parent commit between the previous
// nightly (good) and tonight's head (bad) made the regressed metric worse.
//
// Each step measures a commit against the nightly's base with the same A/B comparison that
// confirmed the regression. A step is bad when that comparison calls the metric regressed, or
// when its interval lies wholly beyond half the confirmed change; good when it calls it
// unchanged or improved, or when its interval lies wholly short of half the change (stepOf).
// Under one step change that predicate is monotone along the history, so halving the range
// between the last good and the first bad commit finds git bisect's first bad commit in
// ⌈log2 N⌉ steps, and that commit regressed against its parent (its parent is good, or is base).
// Comparing each commit with its own parent instead would test one commit at a time: N steps.
//
// An inconclusive step is measured again once with twice the time; still inconclusive, or a
// build that fails, the commit is skipped as `git bisect skip` does, and the next step takes the
// untested commit nearest the middle. When only skipped commits remain between good and bad, the
// first bad one is among them and they are reported as suspects, not guessed.
import { getErrorMessage } from '../errors.js';
import type { Better } from '../model.js';
import type { Result, TrendStep } from '../result.js';
import { BuildError } from '../workspace/index.js';

/** One comparison of `head` against the bisect's base, within the step's share of time. */
export type StepComparison = (head: string, attempt: number) => Promise<Result>;

export interface BisectOptions {
  base: string;
  /** First-parent commits after base, oldest first; the last is the head known to be bad. */
  commits: readonly string[];
  /** The metric the bisect follows (a regressed comparison's key). */
  metric: string;
  /** The regression the bisect chases, as the comparison that confirmed it measured it: a step
   *  whose interval lies wholly above half of it has it in, one wholly below half has not. */
  confirmed?: { change: number; better: Better };
  compare: StepComparison;
  log?(line: string): void;
}

export interface BisectOutcome {
  steps: TrendStep[];
  /** The first bad commit, when one could be named. */
  firstBad?: string;
  /** Otherwise the commits it may be, oldest first (good < suspects ≤ bad). */
  suspects?: string[];
}

export async function bisect(options: BisectOptions): Promise<BisectOutcome> {
  const { commits, base, metric } = options;
  const log = options.log ?? (() => {});
  const steps: TrendStep[] = [];
  // Indexes into commits: -1 is base (good); the last commit is head (bad).
  let good = -1;
  let bad = commits.length - 1;
  const skipped = new Set<number>();
  while (bad - good > 1) {
    const next = nearestUntested(good, bad, skipped);
    if (next === undefined) {
      return { steps, suspects: commits.slice(good + 1, bad + 1) };
    }
    const step = await runStep(base, commits[next]!, metric, options.compare, options.confirmed);
    steps.push(step);
    log(
      `bisect: ${commits[next]!.slice(0, 12)} ${step.outcome}` +
        (step.metric ? ` (${step.metric.key} ${(step.metric.change * 100).toFixed(1)}%)` : '') +
        (step.note ? `: ${step.note}` : ''),
    );
    if (step.outcome === 'regressed') bad = next;
    else if (step.outcome === 'unchanged') good = next;
    else skipped.add(next);
  }
  return { steps, firstBad: commits[bad]! };
}

/** The untested commit strictly between good and bad nearest their middle, if any is left. */
function nearestUntested(good: number, bad: number, skipped: Set<number>): number | undefined {
  const middle = Math.floor((good + bad) / 2);
  for (let offset = 0; offset < bad - good; offset++) {
    for (const at of [middle - offset, middle + offset + 1]) {
      if (at > good && at < bad && !skipped.has(at)) return at;
    }
  }
  return undefined;
}

async function runStep(
  base: string,
  head: string,
  metric: string,
  compare: StepComparison,
  confirmed: BisectOptions['confirmed'],
): Promise<TrendStep> {
  let attempts = 0;
  let last: Pick<TrendStep, 'outcome' | 'metric'> | undefined;
  while (attempts < 2) {
    attempts++;
    let result: Result;
    try {
      result = await compare(head, attempts);
    } catch (error) {
      if (!(error instanceof BuildError)) throw error;
      const first = getErrorMessage(error).split('\n')[0]!;
      return { base, head, outcome: 'skipped', attempts, note: `build failed: ${first}` };
    }
    last = stepOf(result, metric, confirmed);
    if (last.outcome !== 'inconclusive') return { base, head, attempts, ...last };
  }
  return {
    base,
    head,
    attempts,
    ...last!,
    outcome: 'skipped',
    note: 'inconclusive twice (the second time with twice the time); skipped',
  };
}

/**
 * The step's answer to "is the regression in at this commit?". The gate's own status answers
 * it when it is decisive (regressed; unchanged or improved). Otherwise the interval is held
 * against half the confirmed change: a step change is either in or not, so a commit whose
 * interval lies wholly beyond half of it has it, and one wholly short of half has not. Proving
 * "unchanged within ±δ" would need many more pairs than telling 0 from a +40% that is known to
 * exist, and under a noisy runner every good commit would end inconclusive and be skipped.
 */
function stepOf(
  result: Result,
  metric: string,
  confirmed: BisectOptions['confirmed'],
): Pick<TrendStep, 'outcome' | 'metric'> {
  const row = result.comparisons.find((c) => c.key === metric);
  if (!row) return { outcome: 'inconclusive' };
  const measured = { key: row.key, change: row.change, ci: row.ci };
  if (row.status === 'regressed') return { outcome: 'regressed', metric: measured };
  // Better than base is as good as base for the bisect's question (is the regression in yet?).
  if (row.status === 'unchanged' || row.status === 'improved') {
    return { outcome: 'unchanged', metric: measured };
  }
  if (confirmed) {
    const worse = confirmed.better === 'lower' ? 1 : -1;
    const half = (worse * confirmed.change) / 2;
    const [a, b] = row.ci.map((x) => worse * x) as [number, number];
    if (half > 0 && Math.min(a, b) > half) return { outcome: 'regressed', metric: measured };
    if (half > 0 && Math.max(a, b) < half) return { outcome: 'unchanged', metric: measured };
  }
  return { outcome: row.status, metric: measured };
}
