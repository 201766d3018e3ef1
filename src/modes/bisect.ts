// The bisect of a confirmed nightly regression: which first-parent commit between the previous
// nightly (good) and tonight's head (bad) made the regressed metric worse.
//
// Each step measures a commit against the nightly's base with the same A/B comparison that
// confirmed the regression, so "bad" means what it meant there: this metric regressed against
// base. Under one step change that predicate is monotone along the history, so halving the
// range between the last good and the first bad commit finds git bisect's first bad commit in
// ⌈log2 N⌉ steps, and that commit regressed against its parent (its parent is good, or is base).
// Comparing each commit with its own parent instead would test one commit at a time: N steps.
//
// An inconclusive step is measured again once with twice the time; still inconclusive, or a
// build that fails, the commit is skipped as `git bisect skip` does, and the next step takes the
// untested commit nearest the middle. When only skipped commits remain between good and bad, the
// first bad one is among them and they are reported as suspects, not guessed.
import { getErrorMessage } from '../errors.js';
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
    const step = await runStep(base, commits[next]!, metric, options.compare);
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
    last = stepOf(result, metric);
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

function stepOf(result: Result, metric: string): Pick<TrendStep, 'outcome' | 'metric'> {
  const row = result.comparisons.find((c) => c.key === metric);
  if (!row) return { outcome: 'inconclusive' };
  // Better than base is as good as base for the bisect's question (is the regression in yet?).
  const outcome = row.status === 'improved' ? 'unchanged' : row.status;
  return { outcome, metric: { key: row.key, change: row.change, ci: row.ci } };
}
