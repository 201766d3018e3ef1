import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  fitWidth,
  type ProgressEvent,
  renderProgress,
  renderTerminal,
} from '../../src/report/terminal.js';
import type { Result } from '../../src/result.js';
import { makeResult } from './fixture.js';

const ESC = '\u001b';

/** Reviewed by hand: same figures as the Markdown (fixture.ts), regressions first; the last
 *  lines are the verdict and the findings. */
const FULL = [
  'perfgate · base main@def5678 → head feature/faster-orders@abc1234 · 12\u00A0pairs · 1\u00A0min\u00A032\u00A0s of 2\u00A0min · stopped once every metric was resolved',
  '',
  '  status        benchmark  target       metric           base       head          change                95% CI  p (adj.)',
  '  regressed     api        GET /orders  p50           12.3 ms    16.1 ms          +31.2%      [+25.0%, +37.9%]   < 0.001',
  '  improved      api        GET /orders  throughput  812 req/s  912 req/s          +12.3%       [+8.1%, +16.0%]     0.002',
  '  inconclusive  web        /            lcp            2.41 s     2.53 s           +4.8%       [−1.2%, +10.9%]      0.27',
  '  unchanged     api        GET /orders  p99           48.2 ms    48.7 ms           +1.2%        [−2.1%, +3.8%]      1.00',
  '  unchanged     api        GET /orders  error-rate      0.10%      0.10%        +0.02 pp  [−0.04 pp, +0.09 pp]      1.00',
  '  unchanged     web        /            cls             0.052       0.05          −0.002      [−0.004, +0.001]      0.48',
  '  unchanged     bundle     total        gzip           182 kB     183 kB  +0.5% (+870 B)                 exact         —',
  '',
  'budgets',
  '  status    benchmark  target  metric    head   limit  vs limit',
  '  exceeded  web        /       lcp     2.53 s  2.50 s     +1.2%',
  '  within    bundle     total   gzip    183 kB  200 kB     −8.4%',
  "  Head: a timed metric is checked on head's median over the rounds, a size on its exact value.",
  '',
  'suggested fixes',
  '  • Batch the per-order customer lookups in GET /orders: GET /orders now calls `loadCustomer()` once per order; load all customers with one query (`WHERE id IN (...)`).',
  '    evidence: p50 of api GET /orders rose 31.2% [+25.0%, +37.9%]',
  '    evidence: CPU profile: loadCustomer self time 4.1 ms -> 9.8 ms per request',
  '',
  'notes',
  '  • One head sample of web / lcp failed (Chrome crashed) and was retried.',
  '',
  'Smallest change this run could have detected: ±7.0% (median over the metrics)',
  'FAIL  1 regression · 1 budget exceeded · 1 improvement · 1 inconclusive · 4 unchanged',
  '  ✗ api › GET /orders 31% slower: p50 12.3 → 16.1 ms [+25.0%, +37.9%] (throughput +12.3%)',
  '  ✗ budget exceeded: web › /: lcp 2.53 s against a 2.50 s budget (+1.2%)',
  '  ? web › /: no change found; the smallest this run could detect was ±7.0% (lcp)',
  '  = Unchanged (within ±5.0%): bundle › total',
  '',
].join('\n');

/** At 80 columns base, head and p go, names shrink with …, prose wraps. */
const NARROW = [
  'perfgate · base main@def5678 → head feature/faster-orders@abc1234 · 12\u00A0pairs ·',
  '  1\u00A0min\u00A032\u00A0s of 2\u00A0min · stopped once every metric was resolved',
  '',
  '  status        benchma…  target    metric          change                95% CI',
  '  regressed     api       GET /or…  p50             +31.2%      [+25.0%, +37.9%]',
  '  improved      api       GET /or…  throu…          +12.3%       [+8.1%, +16.0%]',
  '  inconclusive  web       /         lcp              +4.8%       [−1.2%, +10.9%]',
  '  unchanged     api       GET /or…  p99              +1.2%        [−2.1%, +3.8%]',
  '  unchanged     api       GET /or…  error…        +0.02 pp  [−0.04 pp, +0.09 pp]',
  '  unchanged     web       /         cls             −0.002      [−0.004, +0.001]',
  '  unchanged     bundle    total     gzip    +0.5% (+870 B)                 exact',
  '',
  'budgets',
  '  status    benchmark  target  metric    head   limit  vs limit',
  '  exceeded  web        /       lcp     2.53 s  2.50 s     +1.2%',
  '  within    bundle     total   gzip    183 kB  200 kB     −8.4%',
  "  Head: a timed metric is checked on head's median over the rounds, a size on",
  '  its exact value.',
  '',
  'suggested fixes',
  '  • Batch the per-order customer lookups in GET /orders: GET /orders now calls',
  '    `loadCustomer()` once per order; load all customers with one query (`WHERE',
  '    id IN (...)`).',
  '    evidence: p50 of api GET /orders rose 31.2% [+25.0%, +37.9%]',
  '    evidence: CPU profile: loadCustomer self time 4.1 ms -> 9.8 ms per request',
  '',
  'notes',
  '  • One head sample of web / lcp failed (Chrome crashed) and was retried.',
  '',
  'Smallest change this run could have detected: ±7.0% (median over the metrics)',
  'FAIL  1 regression · 1 budget exceeded · 1 improvement · 1 inconclusive · 4',
  '  unchanged',
  '  ✗ api › GET /orders 31% slower: p50 12.3 → 16.1 ms [+25.0%, +37.9%]',
  '    (throughput +12.3%)',
  '  ✗ budget exceeded: web › /: lcp 2.53 s against a 2.50 s budget (+1.2%)',
  '  ? web › /: no change found; the smallest this run could detect was ±7.0% (lcp)',
  '  = Unchanged (within ±5.0%): bundle › total',
  '',
].join('\n');

describe('renderTerminal', () => {
  it('prints an aligned table, regressions first, with the budgets, fixes, notes and verdict', () => {
    expect(renderTerminal(makeResult(), { color: false })).toBe(FULL);
  });

  it('fits a narrow terminal by dropping optional columns and shrinking names', () => {
    const out = renderTerminal(makeResult(), { color: false, width: 80 });
    expect(out).toBe(NARROW);
    for (const line of out.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
  });

  it('colours statuses red, green, yellow and dim only when asked', () => {
    const plain = renderTerminal(makeResult(), { color: false });
    expect(plain).not.toContain(ESC);
    const coloured = renderTerminal(makeResult(), { color: true });
    const lines = coloured.split('\n');
    const row = (status: string) =>
      lines.find((l) => l.includes(`${status}`) && l.includes('m  '))!;
    expect(row('regressed')).toContain(`${ESC}[31mregressed   ${ESC}[39m`);
    expect(row('regressed')).toContain(`${ESC}[31m        +31.2%${ESC}[39m`);
    expect(row('improved')).toContain(`${ESC}[32mimproved    ${ESC}[39m`);
    expect(row('inconclusive')).toContain(`${ESC}[33minconclusive${ESC}[39m`);
    expect(lines.find((l) => l.includes('p99'))).toContain(`${ESC}[2mp99       ${ESC}[22m`);
    // The verdict, then the findings (one line per target, as the comment opens).
    expect(lines.at(-6)).toMatch(
      new RegExp(`^${ESC}\\[1m${ESC}\\[31mFAIL${ESC}\\[39m${ESC}\\[22m  1 regression`),
    );
    // Without the escapes, the coloured output is the plain one: colour never shifts columns.
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('never passes control sequences from names to the terminal', () => {
    const result: Result = makeResult();
    result.comparisons[0]!.benchmark = `evil${ESC}]0;pwned\u0007${ESC}[2J\nname`;
    result.head.ref = `feat${ESC}[31m`;
    result.notes = [`note\r${ESC}[1Aover`];
    for (const color of [false, true]) {
      const out = renderTerminal(result, { color });
      expect(out.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain(ESC);
      expect(out).not.toContain('\u0007');
      expect(out).not.toContain('\r');
    }
    const out = renderTerminal(result, { color: false });
    expect(out).toContain('evil\uFFFD]0;pwned\uFFFD\uFFFD[2J name');
    expect(out).toContain('  • note \uFFFD[1Aover');
  });

  it('says when there is nothing to compare and no base', () => {
    const result = makeResult();
    result.base = null;
    result.comparisons = [];
    result.budgets = [];
    result.advice = [];
    result.notes = [];
    result.verdict = 'inconclusive';
    result.minimumDetectableChange = null;
    expect(renderTerminal(result, { color: false })).toBe(
      [
        'perfgate · head feature/faster-orders@abc1234 (no base) · 12\u00A0pairs · 1\u00A0min\u00A032\u00A0s of 2\u00A0min · stopped once every metric was resolved',
        '',
        '  no metrics compared',
        '',
        'Smallest change this run could have detected: not available (no statistically tested ratio metrics)',
        'INCONCLUSIVE  no metrics compared',
        '',
      ].join('\n'),
    );
  });
});

describe('displayWidth and fitWidth', () => {
  it('counts wide characters twice and joiners not at all', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth(`${ESC}[31mred${ESC}[39m`)).toBe(3);
    expect(fitWidth('GET /orders', 8)).toBe('GET /or…');
    expect(fitWidth('日本語', 5)).toBe('日本…');
    expect(fitWidth('short', 8)).toBe('short');
  });
});

describe('renderProgress', () => {
  const event: ProgressEvent = {
    pairs: 14,
    estimatedPairs: 40,
    elapsedMs: 32_400,
    budgetMs: 120_000,
    phase: 'sampling',
    resolved: 3,
    total: 7,
    metric: {
      benchmark: 'api',
      target: 'GET /orders',
      metric: 'p50',
      unit: 'ms',
      scale: 'ratio',
      change: 0.312,
      ci: [0.25, 0.379],
      status: 'regressed',
    },
  };

  it('prints one line: phase, round of the estimate, clock, resolved, the metric to watch', () => {
    expect(renderProgress(event)).toBe(
      'sampling · round 14/~40 · 0:32 / 2:00 · 3/7 resolved · api GET /orders p50 +31.2% [+25.0%, +37.9%] regressed',
    );
    expect(
      renderProgress({ pairs: 0, elapsedMs: 5_000, budgetMs: 120_000, phase: 'warm-up' }),
    ).toBe('warm-up · round 0 · 0:05 / 2:00');
    const errorRate: ProgressEvent = {
      ...event,
      estimatedPairs: undefined,
      resolved: undefined,
      metric: {
        ...event.metric!,
        metric: 'error-rate',
        unit: 'fraction',
        scale: 'difference',
        change: 0.02,
        ci: [0.005, 0.035],
        status: 'inconclusive',
      },
    };
    expect(renderProgress(errorRate)).toBe(
      'sampling · round 14 · 0:32 / 2:00 · api GET /orders error-rate +2.0 pp [+0.50 pp, +3.5 pp] inconclusive',
    );
  });

  it('fits a width and colours only the status', () => {
    const narrow = renderProgress(event, { width: 40 });
    // 39 columns of the line and the ellipsis.
    expect(narrow).toBe('sampling · round 14/~40 · 0:32 / 2:00 ·…');
    expect(displayWidth(narrow)).toBe(40);
    expect(renderProgress(event, { color: true })).toBe(
      `sampling · round 14/~40 · 0:32 / 2:00 · 3/7 resolved · api GET /orders p50 +31.2% [+25.0%, +37.9%] ${ESC}[31mregressed${ESC}[39m`,
    );
  });

  it('stays one line whatever the names hold', () => {
    const line = renderProgress({
      ...event,
      phase: 'build\nstep',
      metric: { ...event.metric!, benchmark: `a${ESC}[2Jb\r\nc` },
    });
    expect(line).not.toMatch(/[\n\r\u001b]/);
    expect(line.startsWith('build step · round 14/~40')).toBe(true);
    expect(line).toContain('a\uFFFD[2Jb c GET /orders p50');
  });
});
