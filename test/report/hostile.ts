// A large Result whose every free-text field is hostile: HTML that would close <details>
// or run script, table breakers, mentions, links, a forged marker, control characters and
// 10 kB names. Statuses are interleaved so sorting is visible.
import type { Status } from '../../src/model.js';
import type { Result } from '../../src/result.js';
import { comparison, makeResult } from './fixture.js';

export const HOSTILE = [
  '</details><img src=x onerror=alert(1)>',
  '| --- |',
  '@everyone',
  '[link](javascript:alert(1))',
  '<!-- perfgate:default -->',
  '`code` *bold* _it_ ~~s~~ #123 @org/team https://evil.example www.evil.example',
  'line\nbreak\r\n| x | y |',
  '\u001b[2J\u202Eevil',
  '```mermaid\nx',
  '- [ ] task\n# heading',
];

const LONG = 'x'.repeat(10_000);

export function hostile(i: number, long = true): string {
  return `n${i} ${HOSTILE[i % HOSTILE.length]}${long ? LONG : ''}`;
}

const STATUSES: Status[] = ['unchanged', 'improved', 'inconclusive', 'unchanged', 'regressed'];

/** `count` comparisons; `lists` budgets, fixes, pieces of evidence and notes (×6 budgets and
 *  ×4 notes so each list is a different length). */
export function hostileResult(count: number, lists = 50): Result {
  const base = makeResult();
  const samples = [10, 11, 10.5, 10.2, 10.8, 10.1, 10.4, 10.9, 10.3, 10.6, 10.7, 10.2];
  return {
    ...base,
    reportId: hostile(1, false).slice(0, 100),
    tool: { name: 'perfgate', version: '<b>1.0</b> @admin' },
    base: { ref: hostile(0), sha: 'def5678aa11bb22cc33dd44ee55ff66778899aab' },
    head: { ref: hostile(2), sha: 'abc1234ff00ee11dd22cc33bb44aa5566778899f' },
    comparisons: Array.from({ length: count }, (_, i) =>
      comparison({
        benchmark: hostile(i),
        target: hostile(i + 3),
        metric: hostile(i + 5),
        unit: i % 2 === 0 ? 'ms' : '<u>',
        better: 'lower',
        scale: 'ratio',
        base: samples,
        head: samples.map((v) => v * 1.2),
        change: 0.2,
        ci: [0.15, 0.25],
        pValue: 0.001,
        adjustedPValue: 0.004,
        threshold: 0.05,
        mde: 0.04,
        status: STATUSES[i % STATUSES.length]!,
      }),
    ),
    budgets: Array.from({ length: lists * 6 }, (_, i) => ({
      benchmark: hostile(i),
      target: hostile(i + 1),
      metric: hostile(i + 2),
      unit: 'B',
      limit: 1000,
      value: i % 3 === 0 ? 1200 : 800,
      exceeded: i % 3 === 0,
    })),
    advice: Array.from({ length: lists }, (_, i) => ({
      rule: hostile(i, false),
      title: hostile(i + 4),
      fix: hostile(i + 6),
      evidence: Array.from({ length: lists }, (_, j) => hostile(i + j)),
      metrics: [hostile(i), hostile(i + 1)],
    })),
    notes: Array.from({ length: lists * 4 }, (_, i) => hostile(i)),
  };
}
