// The smallest detectable change where a tested metric has none: the reason in its place, in the
// headline line of every report and in the per-metric table.
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/model.js';
import { detectableSummary, noDetectableReason } from '../../src/report/detectable.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminal } from '../../src/report/terminal.js';
import type { Comparison, Result } from '../../src/result.js';
import { makeResult, summarize } from './fixture.js';

/** The fixture with every tested metric cut to `n` pairs in the given orders and no detectable
 *  change, as the sampler leaves it when a run stops below what its test can reach: nothing
 *  called (`called` keeps the fixture's statuses, as when the correction across metrics called
 *  some below the estimate's bound). */
function undetected(
  n: number,
  order: (i: number) => Order,
  over: Partial<Result> = {},
  called = false,
): Result {
  const result = makeResult();
  const comparisons = result.comparisons.map((c): Comparison => {
    if (c.scale === 'exact') return c;
    const base = c.samples.base.slice(0, n);
    const head = c.samples.head.slice(0, n);
    return {
      ...c,
      base: summarize(base),
      head: summarize(head),
      mde: null,
      ...(called ? {} : { status: 'inconclusive' as const }),
      samples: { base, head, order: base.map((_, i) => order(i)) },
    };
  });
  return {
    ...result,
    comparisons,
    minimumDetectableChange: null,
    sampling: { ...result.sampling, pairs: n, looks: [n] },
    ...over,
  };
}

const alternate = (i: number): Order => (i % 2 === 0 ? 'AB' : 'BA');
const tested = (r: Result) => r.comparisons.filter((c) => c.scale !== 'exact');

describe('no detectable change, with the reason', () => {
  it('names the pairs the rank test needs where its floor is above α over the tested metrics', () => {
    const result = undetected(6, alternate, {
      sampling: { pairs: 6, warmup: 1, looks: [4, 6], stoppedBy: 'futility', elapsedMs: 14_000 },
    });
    const m = tested(result).length;
    expect(m).toBe(6);
    // α/m = 0.05/6 = 0.0083: 2^(1−n) < 0.0083 from n = 8 (2^−7 = 0.0078).
    const reason =
      'none at 6 pairs: the rank test needs at least 8 pairs to reach p < 0.0083 (α over 6 tested metrics)';
    expect(noDetectableReason(tested(result)[0]!, result)).toBe(reason);
    expect(detectableSummary(result)).toBe(
      `${reason} — sampling stopped once no metric could still be called regressed within the budget (the notes say what the budget could call)`,
    );
    const body = renderMarkdown(result);
    // Escaped as every text entering Markdown: `<` is `&lt;`.
    expect(body).toContain(
      `Smallest change this run could have detected: ${reason.replace('<', '&lt;')} — sampling`,
    );
    expect(body).not.toContain('not available');
    // The per-metric table says "none at 6 pairs" where it said "—".
    const table = body.slice(body.indexOf('Smallest detectable change and time budget per metric'));
    expect(table.match(/\| none at 6 pairs \|/g)).toHaveLength(m);
    const terminal = renderTerminal(result, { color: false, width: 400 });
    expect(terminal).toContain(
      `Smallest change this run could have detected: ${reason} — sampling`,
    );
  });

  it('does not say "none" where the correction across metrics called some below the estimate’s bound', () => {
    // At 6 pairs the rank test's floor, 2^−5 = 0.031, is above α/m = 0.05/6 = 0.0083; the same
    // reason holds where α/m is above the floor but the last look's share of it was not.
    const result = undetected(
      6,
      alternate,
      {
        sampling: {
          pairs: 6,
          warmup: 1,
          looks: [4, 5, 6],
          stoppedBy: 'regression',
          elapsedMs: 14_000,
        },
      },
      true,
    );
    const called = tested(result).filter(
      (c) => c.status === 'regressed' || c.status === 'improved',
    );
    expect(called.length).toBeGreaterThan(0);
    const reason = `not estimated at 6 pairs: the estimate holds each metric to the last look's level over the 6 tested metrics (at most 0.0083), which was below the rank test's smallest p-value at 6 pairs (0.031), yet the correction across metrics, less strict for metrics that move together, called ${called.length} of them`;
    expect(noDetectableReason(tested(result)[0]!, result)).toBe(reason);
    expect(detectableSummary(result)).toBe(reason);
    const body = renderMarkdown(result);
    expect(body).not.toContain('none at 6 pairs');
    expect(body).not.toContain('no change could be called');
    // A target with nothing called says its size is not estimated (findings.ts undecidedLine).
    expect(body).toMatch(
      /no change found; the smallest detectable change is not estimated at 6 pairs/,
    );
    const table = body.slice(body.indexOf('Smallest detectable change and time budget per metric'));
    expect(table.match(/\| not estimated at 6 pairs \|/g)).toHaveLength(tested(result).length);
  });

  it('counts only tested metrics as called: an exact metric that changed leaves the undecided at "no change could be called"', () => {
    const result = undetected(6, alternate, {
      sampling: { pairs: 6, warmup: 1, looks: [4, 6], stoppedBy: 'futility', elapsedMs: 14_000 },
    });
    const exact = result.comparisons.filter((c) => c.scale === 'exact');
    expect(exact.length).toBeGreaterThan(0);
    const withExactCalled: Result = {
      ...result,
      comparisons: result.comparisons.map((c) =>
        c.scale === 'exact' ? { ...c, status: 'regressed' as const } : c,
      ),
    };
    // A size measured exactly has no sampling noise: its call says nothing about what the tested
    // metrics' pairs could detect, in the table or in the undecided targets' line.
    const body = renderMarkdown(withExactCalled);
    expect(body).toMatch(/no change found; no change could be called at 6 pairs/);
    expect(body).not.toContain('not estimated');
  });

  it('says no test calls anything from fewer than 3 pairs', () => {
    const result = undetected(1, alternate, {
      sampling: { pairs: 1, warmup: 1, looks: [1], stoppedBy: 'budget', elapsedMs: 3_000 },
    });
    expect(detectableSummary(result)).toBe(
      'none at 1 pair: no test can call a change from fewer than 3 pairs',
    );
  });

  it('names an order that never changed, which the t at few pairs cannot separate from the change', () => {
    // 12 pairs: the rank test could reach 0.01, so the order is the reason.
    const result = undetected(12, () => 'BA', {
      sampling: { pairs: 12, warmup: 1, looks: [12], stoppedBy: 'budget', elapsedMs: 60_000 },
    });
    expect(detectableSummary(result)).toBe(
      'none at 12 pairs: every pair ran in the same order (BA), so the t used at few pairs cannot tell a change from an order effect',
    );
    // Both reasons where both hold.
    expect(detectableSummary(undetected(4, () => 'AB'))).toMatch(
      /^none at 4 pairs: the rank test needs at least 8 pairs .*; every pair ran in the same order \(AB\)/,
    );
    // Neither: the level of the last look was below the floor (earlier looks had spent α).
    expect(detectableSummary(undetected(12, alternate))).toBe(
      "none at 12 pairs: the level left for the last look was below the rank test's smallest p-value at 12 pairs (4.9e-4) — sampling stopped once every metric was resolved (the notes say what the budget could call)",
    );
  });

  it('says a fall of 100% cannot be measured as a ratio', () => {
    const result = undetected(12, alternate);
    const throughput = tested(result).find((c) => c.better === 'higher')!;
    expect(noDetectableReason({ ...throughput, threshold: 1 }, result)).toBe(
      'none: a fall of 100% or more cannot be measured as a ratio',
    );
  });

  it('gives a difference metric its figure where no ratio metric was tested', () => {
    const result = makeResult();
    const only = result.comparisons.filter((c) => c.scale !== 'ratio');
    const errorRate = only.find((c) => c.scale === 'difference')!;
    const r: Result = { ...result, comparisons: only, minimumDetectableChange: null };
    expect(detectableSummary(r)).toBe(
      `±${(errorRate.mde! * 100).toFixed(2)} pp (${errorRate.metric}; no ratio metric was tested)`,
    );
  });

  it('keeps the median where there is one, and "not available" where nothing was tested', () => {
    expect(detectableSummary(makeResult())).toBe('±7.0% (median over the metrics)');
    const exactOnly = makeResult();
    const r: Result = {
      ...exactOnly,
      comparisons: exactOnly.comparisons.filter((c) => c.scale === 'exact'),
      minimumDetectableChange: null,
    };
    expect(detectableSummary(r)).toBe('not available (no statistically tested ratio metrics)');
  });
});
