// Trend results (mode `trend`) and history runs for the tracking-issue tests: a night with a
// confirmed regression of p50 (+20%, culprit known or not), a quiet night, a recovered night.

import type { HistoryRun } from '../../src/report/tracking-issue.js';
import type { Result } from '../../src/result.js';
import { comparison, sampleResult } from './sample-result.js';

export const NIGHT = (n: number) => n.toString(16).padStart(2, '0').repeat(20);
export const CULPRIT = 'c0ffee'.repeat(6) + 'c0ff';

/** A trend night measuring head NIGHT(n) against NIGHT(n − 1), p50 changed by `change`. */
export function trendResult(
  n: number,
  change: number,
  options: { regressed?: boolean; culprit?: string | null; subject?: string } = {},
): Result {
  const regressed = options.regressed ?? change > 0.05;
  const culprit = options.culprit === undefined ? CULPRIT : options.culprit;
  return sampleResult({
    mode: 'trend',
    startedAt: `2026-03-${String(n).padStart(2, '0')}T02:00:00.000Z`,
    base: { ref: 'main', sha: NIGHT(n - 1) },
    head: { ref: 'main', sha: NIGHT(n) },
    comparisons: [
      comparison('p50', regressed ? 'regressed' : 'unchanged', change),
      comparison('p99', 'unchanged', 0.01),
    ],
    trend: {
      base: { ref: 'main', sha: NIGHT(n - 1) },
      head: { ref: 'main', sha: NIGHT(n) },
      commits: 4,
      steps: regressed
        ? [
            {
              base: NIGHT(n - 1),
              head: CULPRIT,
              outcome: 'regressed',
              attempts: 1,
              metric: { key: 'api/GET /orders/p50', change, ci: [change - 0.02, change + 0.02] },
            },
            { base: NIGHT(n - 1), head: '1'.repeat(40), outcome: 'unchanged', attempts: 2 },
          ]
        : [],
      culprit:
        regressed && culprit
          ? {
              sha: culprit,
              subject: options.subject ?? 'Parse orders twice',
              author: 'Mona Lisa',
            }
          : null,
      ...(regressed && !culprit ? { suspects: ['1'.repeat(40), '2'.repeat(40)] } : {}),
      changePoints: [],
    },
  });
}

/** Nights 1..n−1 of p50 at `level` ms. */
export function history(n: number, level = 10): HistoryRun[] {
  return Array.from({ length: n - 1 }, (_, i) => ({
    commit: NIGHT(i + 1),
    date: `2026-03-${String(i + 1).padStart(2, '0')}T02:00:00.000Z`,
    metrics: {
      'api/GET /orders/p50': { median: level },
      'api/GET /orders/p99': { median: level * 3 },
    },
  }));
}
