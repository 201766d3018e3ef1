// The correction across metrics, redone over every tested metric of every shard. A shard's own
// correction covered its metrics only, so its calls hold the false-alarm rate of that shard, and
// n shards together would allow up to n times the rate: not a family-wise gate.
//
// What a shard's result keeps per metric is enough to redo it: every pair's base and head values
// and its AB/BA order (comparisons[].samples), from which the paired values the test read are
// recomputed; the raw p-value must follow from them by the signed-rank test or the order-adjusted
// t (the two tests a look may use, stats/analyze.ts), which also says how its pairs are
// resampled. Westfall–Young (stats/westfall-young.ts) then runs over all metrics: the shards ran
// on different runners, so their pairs are independent, and each shard's pairs are resampled
// independently of the others' (a shard's sign-flip metrics take rows of their own, zero in every
// other shard's rows; a zero scores 0 in the rank statistic, as the test drops it, so each
// metric's own statistic and reference are unchanged). Rotation metrics (the t) are resampled by
// shard, groups combined by the weighted Bonferroni split westfallYoungAdjust applies. Holm (or
// BH) over the raw p-values is what is left when the pairs are missing or too many to resample.
//
// Each shard's metrics are then called at that shard's final look's level (sampling.level): for
// a true null metric, p < level/M at the look it stopped at is rarer than at any of its looks,
// whose levels sum to at most α, so the first step of the merged procedure keeps α over all M.
import type { Order } from '../model.js';
import type { Comparison } from '../result.js';
import { minimumDetectableChange } from '../stats/mde.js';
import { adjustPValues, type Correction } from '../stats/multiple.js';
import { pairedValues } from '../stats/paired.js';
import { createRng, deriveSeed } from '../stats/random.js';
import { crossoverTTest } from '../stats/student-t.js';
import { mad } from '../stats/summary.js';
import {
  type JointEntry,
  type JointReference,
  westfallYoungAdjust,
  westfallYoungDraws,
} from '../stats/westfall-young.js';
import { wilcoxonSignedRank } from '../stats/wilcoxon.js';
import { metricStatus } from '../verdict/status.js';
import { InconsistentResultError } from './report.js';

export interface ShardRows {
  /** `shard 1/3`, as notes name it. */
  label: string;
  /** Where the shard came from (a file, an artifact), as errors name it. */
  source: string;
  /** The two-sided level of the shard's final look (result.sampling.level). */
  level: number;
  comparisons: readonly Comparison[];
}

export interface RedoneCorrection {
  /** Per shard, its comparisons with the merged adjusted p-value, status and detectable change. */
  comparisons: Comparison[][];
  /** How the correction was redone, and every call it changed. */
  notes: string[];
}

interface Tested {
  shard: number;
  row: number;
  c: Comparison;
  /** Paired values and the test they reproduce; absent when the pairs cannot be formed. */
  pairs?: { d: number[]; order: Order[]; reference: JointReference };
}

/** Calls that changed are listed one by one up to this many; the rest are counted. */
const MAX_CHANGE_NOTES = 20;

export function redoCorrection(
  shards: readonly ShardRows[],
  gate: { correction: Correction; seed: number },
): RedoneCorrection {
  const tested: Tested[] = shards.flatMap((s, shard) =>
    s.comparisons.flatMap((c, row) =>
      c.pValue === null ? [] : [{ shard, row, c, ...pairsOf(c, s.source) }],
    ),
  );
  const m = tested.length;
  const notes: string[] = [];
  let adjusted: number[];
  const allPaired = tested.every((t) => t.pairs);
  if (gate.correction === 'westfall-young' && allPaired) {
    const level = Math.min(...shards.map((s) => s.level));
    const rng = createRng(deriveSeed(gate.seed, 'merge', 'westfall-young'));
    const joint = westfallYoungAdjust(jointEntries(tested, level), { level, rng });
    adjusted = joint.adjusted;
    notes.push(
      joint.fallback === 'holm'
        ? `The correction across metrics was redone over all ${m} tested metrics of the ${shards.length} shards with Holm over their p-values: Westfall–Young over that many metrics and pairs would take more work than a look may (stats/westfall-young.ts). Holm keeps the family-wise rate, with less power.`
        : `The correction across metrics was redone over all ${m} tested metrics of the ${shards.length} shards (Westfall–Young step-down max-T, each shard's pairs resampled on their own, as they ran on their own runner); each shard's metrics are called at the level of its final look.`,
    );
  } else {
    adjusted =
      m === 0
        ? []
        : adjustPValues(
            tested.map((t) => t.c.pValue!),
            gate.correction,
          );
    const name = gate.correction === 'bh' ? 'Benjamini–Hochberg' : 'Holm';
    notes.push(
      gate.correction === 'westfall-young'
        ? `The correction across metrics was redone over all ${m} tested metrics of the ${shards.length} shards with Holm over the shards' per-metric p-values, not Westfall–Young: some metric's pairs are not in its shard's result. Holm keeps the family-wise rate, with less power.`
        : `The correction across metrics (${name}, as configured) was redone over all ${m} tested metrics of the ${shards.length} shards; each shard's metrics are called at the level of its final look.`,
    );
  }

  const out = shards.map((s) => [...s.comparisons]);
  const changed: string[] = [];
  tested.forEach((t, k) => {
    const shard = shards[t.shard]!;
    const c = merged(t, adjusted[k]!, shard.level, m);
    if (c.status !== t.c.status) {
      changed.push(
        `${t.c.key} (${shard.label}): ${t.c.status} within its shard (adjusted p ${p(t.c.adjustedPValue)}), ${c.status} across all shards' metrics (adjusted p ${p(c.adjustedPValue)}).`,
      );
    }
    out[t.shard]![t.row] = c;
  });
  notes.push(...changed.slice(0, MAX_CHANGE_NOTES));
  if (changed.length > MAX_CHANGE_NOTES) {
    notes.push(
      `… and ${changed.length - MAX_CHANGE_NOTES} more calls changed by the merged correction.`,
    );
  }
  return { comparisons: out, notes };
}

function p(value: number | null): string {
  return value === null ? 'none' : value.toPrecision(2);
}

/** One tested row with its merged adjusted p: its status at its shard's level, and the change
 *  it can detect now that the test must reach level/M (as analyze.ts states it per look). */
function merged(t: Tested, adjustedPValue: number, level: number, m: number): Comparison {
  const { c } = t;
  const status = metricStatus({
    spec: { key: c.key, better: c.better, scale: c.scale },
    analysis: { change: c.change, ci: c.ci, adjustedPValue },
    threshold: c.threshold,
    alphaAtLook: level,
  });
  let mde = c.mde;
  if (t.pairs && c.scale !== 'exact') {
    const { d, order, reference } = t.pairs;
    const ab = order.filter((o) => o === 'AB').length;
    const test = reference === 'rotation' ? 't' : 'signed-rank';
    // The t calls nothing when every pair ran in one order (as the sampler says).
    mde =
      test === 't' && (ab === 0 || ab === order.length)
        ? null
        : minimumDetectableChange({
            n: d.length,
            design: 'paired',
            sd: mad(d),
            alpha: level / Math.max(m, 1),
            threshold: c.threshold,
            scale: c.scale,
            better: c.better,
            test,
            orders: { ab, ba: order.length - ab },
          });
  }
  return { ...c, adjustedPValue, status, mde };
}

/** The paired values of a tested row and the test its p-value came from; a p-value that no test
 *  gives from the row's own pairs is a forged or broken shard (exit 3, as in report). */
function pairsOf(c: Comparison, source: string): Pick<Tested, 'pairs'> {
  const { base, head, order } = c.samples;
  if (c.scale === 'exact' || base.length === 0 || base.length !== head.length) return {};
  if (order.length !== base.length) return {};
  let d: number[];
  try {
    d = pairedValues(c.key, c.scale, base, head);
  } catch (error) {
    throw inconsistent(source, c, error instanceof Error ? error.message : String(error));
  }
  const claimed = c.pValue!;
  const signedRank = wilcoxonSignedRank(d).pValue;
  if (same(signedRank, claimed)) return { pairs: { d, order, reference: 'sign-flip' } };
  const t = crossoverTTest(d, order).pValue;
  if (same(t, claimed)) return { pairs: { d, order, reference: 'rotation' } };
  throw inconsistent(
    source,
    c,
    `its p-value ${claimed} follows from its pairs by neither test (signed-rank ${signedRank}, order-adjusted t ${t})`,
  );
}

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

function inconsistent(source: string, c: Comparison, why: string): InconsistentResultError {
  return new InconsistentResultError(
    `${source} contradicts its own numbers at ${c.key}: ${why}; nothing was merged`,
    `comparisons (${c.key})`,
  );
}

/**
 * The rows as Westfall–Young entries. Sign-flip rows of different shards get rows of their own
 * (zero elsewhere), so a draw flips each shard's pairs independently; when that many rows would
 * take more work than allowed, each shard keeps its own pairs, grouped with other shards of as
 * many pairs (flipped jointly: still a group that leaves the null distribution unchanged).
 */
function jointEntries(tested: readonly Tested[], level: number): JointEntry[] {
  const flips = tested.filter((t) => t.pairs!.reference === 'sign-flip');
  const slots = new Map<string, { offset: number; n: number }>();
  let rows = 0;
  for (const t of flips) {
    const key = `${t.shard}:${t.pairs!.d.length}`;
    if (!slots.has(key)) {
      slots.set(key, { offset: rows, n: t.pairs!.d.length });
      rows += t.pairs!.d.length;
    }
  }
  const padded = slots.size > 1 && westfallYoungDraws(level, flips.length, rows) !== null;
  return tested.map((t): JointEntry => {
    const { d, order, reference } = t.pairs!;
    if (!padded || reference !== 'sign-flip') {
      return { pValue: t.c.pValue!, paired: { d, order, reference } };
    }
    const slot = slots.get(`${t.shard}:${d.length}`)!;
    const wide = new Array<number>(rows).fill(0);
    const wideOrder = new Array<Order>(rows).fill('AB');
    for (let i = 0; i < slot.n; i++) {
      wide[slot.offset + i] = d[i]!;
      wideOrder[slot.offset + i] = order[i]!;
    }
    return { pValue: t.c.pValue!, paired: { d: wide, order: wideOrder, reference } };
  });
}
