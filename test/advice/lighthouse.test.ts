import { describe, expect, it } from 'vitest';
import { isLighthouseEvidence, lighthouseAdvice } from '../../src/advice/lighthouse.js';
import { PAGE_METRICS } from '../../src/kinds/lighthouse/catalogue.js';
import type {
  AuditChange,
  LighthouseEvidence,
  LighthousePageEvidence,
} from '../../src/kinds/lighthouse/evidence.js';
import type { LighthouseMetric } from '../../src/kinds/lighthouse/extract.js';
import { adviceSchema } from '../../src/result.js';

const METRICS: LighthouseMetric[] = [
  'lcp',
  'fcp',
  'tbt',
  'max-potential-fid',
  'speed-index',
  'ttfb',
  'cls',
  'weight',
  'score',
];

function page(path: string, worse: AuditChange[], extra: Partial<LighthousePageEvidence> = {}) {
  return {
    page: path,
    metrics: Object.fromEntries(METRICS.map((m) => [m, `site/${path}/${m}`])) as Record<
      LighthouseMetric,
      string
    >,
    runs: { base: 5, head: 5 },
    worse,
    lcpElement: {},
    warnings: [],
    ...extra,
  } satisfies LighthousePageEvidence;
}

function evidence(pages: LighthousePageEvidence[], server: 'static' | 'command' = 'command') {
  return {
    kind: 'lighthouse',
    benchmark: 'site',
    preset: 'desktop',
    server,
    lighthouseVersion: '12.8.2',
    pages,
  } satisfies LighthouseEvidence;
}

const renderBlocking: AuditChange = {
  id: 'render-blocking-resources',
  title: 'Eliminate render-blocking resources',
  base: { runs: 5, score: 0.5, savingsMs: 34 },
  head: { runs: 5, score: 0, savingsMs: 505 },
  grew: ['savingsMs'],
  items: [
    { url: '/vendor.js', totalBytes: 100354, wastedMs: 211 },
    { url: '/style.css', totalBytes: 261, wastedMs: 51 },
  ],
  newItems: [{ url: '/vendor.js', totalBytes: 100354, wastedMs: 211 }],
};

const offscreen: AuditChange = {
  id: 'offscreen-images',
  title: 'Defer offscreen images',
  base: { runs: 5, score: 1, savingsMs: 0, savingsBytes: 0 },
  head: { runs: 5, score: 0.5, savingsMs: 0, savingsBytes: 480_000 },
  grew: ['savingsBytes'],
  items: [
    { url: '/img/gallery-1.jpg', wastedBytes: 250_000, totalBytes: 250_000 },
    { url: '/img/gallery-2.jpg', wastedBytes: 230_000, totalBytes: 230_000 },
  ],
  newItems: [
    { url: '/img/gallery-1.jpg', wastedBytes: 250_000, totalBytes: 250_000 },
    { url: '/img/gallery-2.jpg', wastedBytes: 230_000, totalBytes: 230_000 },
  ],
};

const unusedJs: AuditChange = {
  id: 'unused-javascript',
  title: 'Reduce unused JavaScript',
  base: { runs: 5, score: 1, savingsMs: 0, savingsBytes: 21_000 },
  head: { runs: 5, score: 0, savingsMs: 150, savingsBytes: 164_000 },
  grew: ['savingsMs', 'savingsBytes'],
  items: [{ url: '/assets/app.js', wastedBytes: 164_000, totalBytes: 240_000 }],
  newItems: [],
};

const compression: AuditChange = {
  id: 'uses-text-compression',
  title: 'Enable text compression',
  base: { runs: 5, score: 1, savingsMs: 0, savingsBytes: 0 },
  head: { runs: 5, score: 0, savingsMs: 80, savingsBytes: 78_000 },
  grew: ['savingsMs', 'savingsBytes'],
  items: [{ url: '/api/data.json', wastedBytes: 78_000, totalBytes: 100_000 }],
  newItems: [{ url: '/api/data.json', wastedBytes: 78_000, totalBytes: 100_000 }],
};

const serverTime: AuditChange = {
  id: 'server-response-time',
  title: 'Initial server response time was short',
  base: { runs: 5, score: 1, numericValue: 12, numericUnit: 'millisecond' },
  head: { runs: 5, score: 0, numericValue: 640, numericUnit: 'millisecond' },
  grew: ['numericValue'],
  items: [{ url: '/' }],
  newItems: [],
};

const bootup: AuditChange = {
  id: 'bootup-time',
  title: 'JavaScript execution time',
  base: { runs: 5, score: 1, numericValue: 20, numericUnit: 'millisecond' },
  head: { runs: 5, score: 0.8, numericValue: 330, numericUnit: 'millisecond' },
  grew: ['numericValue'],
  items: [
    { url: '/vendor.js', ms: 305 },
    { url: 'Unattributable', ms: 88 },
  ],
  newItems: [{ url: '/vendor.js', ms: 305 }],
};

const longTasks: AuditChange = {
  id: 'long-tasks',
  title: 'Avoid long main-thread tasks',
  base: { runs: 5, score: 1 },
  head: { runs: 5, score: 1 },
  grew: [],
  items: [{ url: '/vendor.js', ms: 305 }],
  newItems: [{ url: '/vendor.js', ms: 305 }],
};

describe('lighthouseAdvice', () => {
  it('a new render-blocking script behind an LCP regression: load it with defer/async', () => {
    const advice = lighthouseAdvice(
      ['site///lcp', 'site///fcp'],
      [evidence([page('/', [renderBlocking])])],
    );
    expect(advice).toEqual([
      {
        rule: 'render-blocking-resources',
        title: 'Render-blocking resources delay first paint: /vendor.js',
        fix: 'Load /vendor.js with `defer` or `async` (or as `type="module"`), or inline the small critical part and load the rest after first paint.',
        evidence: [
          'page /: Eliminate render-blocking resources: est. savings 505 ms at head vs est. savings 34 ms at base (medians of 5 head and 5 base runs)',
          'page /: /vendor.js (~211 ms, 100 kB transferred, new at head); /style.css (~51 ms, 261 B transferred)',
        ],
        // In the catalogue's (report) order.
        metrics: ['site///lcp', 'site///fcp'],
      },
    ]);
    for (const a of advice) expect(adviceSchema.safeParse(a).success).toBe(true);
  });

  it('a Max Potential FID regression is explained by new long tasks, as a main-thread metric', () => {
    const [advice, ...rest] = lighthouseAdvice(
      ['site///max-potential-fid'],
      [evidence([page('/', [longTasks])])],
    );
    expect(rest).toEqual([]);
    expect(advice!.rule).toBe('long-tasks');
    expect(advice!.title).toBe('New long main-thread tasks: /vendor.js');
    expect(advice!.metrics).toEqual(['site///max-potential-fid']);
  });

  it("ties main-thread audits to exactly the catalogue's main-thread metrics", () => {
    const mainThread = PAGE_METRICS.filter((e) =>
      (e.movedBy as readonly string[]).includes('main-thread'),
    ).map((e) => e.metric);
    expect(mainThread).toEqual(['lcp', 'tbt', 'max-potential-fid', 'speed-index', 'score']);
    const all = METRICS.map((m) => `site///${m}`);
    const [advice] = lighthouseAdvice(all, [evidence([page('/', [longTasks])])]);
    expect(advice!.metrics).toEqual(mainThread.map((m) => `site///${m}`));
    // Layout shifts are not a main-thread cause: a CLS regression alone gets no long-task advice.
    expect(lighthouseAdvice(['site///cls'], [evidence([page('/', [longTasks])])])).toEqual([]);
  });

  it('a new render-blocking stylesheet gets the CSS fix', () => {
    const css: AuditChange = {
      ...renderBlocking,
      items: [{ url: '/fonts.css', totalBytes: 40_000, wastedMs: 300 }],
      newItems: [{ url: '/fonts.css', totalBytes: 40_000, wastedMs: 300 }],
    };
    const [advice] = lighthouseAdvice(['site///fcp'], [evidence([page('/', [css])])]);
    expect(advice!.fix).toContain('Inline the critical CSS');
    expect(advice!.fix).not.toContain('defer');
  });

  it('gives nothing when no metric the audit explains regressed', () => {
    // Render-blocking resources cannot explain CLS; weight alone does not call for defer.
    expect(lighthouseAdvice(['site///cls'], [evidence([page('/', [renderBlocking])])])).toEqual([]);
    expect(lighthouseAdvice([], [evidence([page('/', [renderBlocking, offscreen])])])).toEqual([]);
    // A regressed metric of another page is not this page's.
    expect(
      lighthouseAdvice(['site//about/lcp'], [evidence([page('/', [renderBlocking])])]),
    ).toEqual([]);
  });

  it('offscreen images: lazy-load them', () => {
    const [advice] = lighthouseAdvice(
      ['site//gallery/lcp', 'site//gallery/weight'],
      [evidence([page('/gallery', [offscreen])])],
    );
    expect(advice!.rule).toBe('offscreen-images');
    expect(advice!.title).toBe(
      'Offscreen images loaded up front: /img/gallery-1.jpg, /img/gallery-2.jpg',
    );
    expect(advice!.fix).toContain('loading="lazy"');
    expect(advice!.metrics).toEqual(['site//gallery/lcp', 'site//gallery/weight']);
    expect(advice!.evidence[0]).toContain('est. savings 480 kB at head vs none at base');
  });

  it('unused JavaScript grown: split the bundle that grew', () => {
    const [advice] = lighthouseAdvice(['site///tbt'], [evidence([page('/', [unusedJs])])]);
    expect(advice!.rule).toBe('unused-javascript');
    expect(advice!.fix).toBe(
      'Split the bundle that grew (/assets/app.js): load code only on the routes and interactions that need it (dynamic `import()`, route-level code splitting), and drop dependencies the page does not use.',
    );
    expect(advice!.evidence[1]).toBe('page /: /assets/app.js (164 kB to save, 240 kB transferred)');
  });

  it('text compression: advised for a project server, not for perfgate’s own static server', () => {
    const [advice] = lighthouseAdvice(
      ['site///lcp'],
      [evidence([page('/', [compression])], 'command')],
    );
    expect(advice!.rule).toBe('uses-text-compression');
    expect(advice!.fix).toContain('gzip or brotli');
    expect(
      lighthouseAdvice(['site///lcp'], [evidence([page('/', [compression])], 'static')]),
    ).toEqual([]);
  });

  it('a slower server: look at the server', () => {
    const [advice] = lighthouseAdvice(['site///ttfb'], [evidence([page('/', [serverTime])])]);
    expect(advice!.rule).toBe('server-response-time');
    expect(advice!.fix).toMatch(/^Look at the server/);
    expect(advice!.evidence[0]).toBe(
      'page /: Initial server response time was short: 640 ms at head vs 12 ms at base (medians of 5 head and 5 base runs)',
    );
  });

  it('execution time and long tasks of one script: one piece of advice, not two', () => {
    const advice = lighthouseAdvice(['site///tbt'], [evidence([page('/', [bootup, longTasks])])]);
    expect(advice.map((a) => a.rule)).toEqual(['bootup-time']);
    expect(advice[0]!.title).toBe('More JavaScript execution time: /vendor.js');
    expect(advice[0]!.evidence[1]).toContain('/vendor.js (305 ms, new at head)');
    // Without bootup-time, the long task is the evidence.
    const only = lighthouseAdvice(['site///tbt'], [evidence([page('/', [longTasks])])]);
    expect(only.map((a) => a.rule)).toEqual(['long-tasks']);
  });

  it('merges one rule across pages and orders rules by likely cause', () => {
    const advice = lighthouseAdvice(
      ['site///lcp', 'site//about/lcp', 'site//about/weight'],
      [evidence([page('/', [offscreen, renderBlocking]), page('/about', [renderBlocking])])],
    );
    expect(advice.map((a) => a.rule)).toEqual(['render-blocking-resources', 'offscreen-images']);
    expect(advice[0]!.metrics).toEqual(['site///lcp', 'site//about/lcp']);
    expect(advice[0]!.evidence.filter((l) => l.startsWith('page /about:'))).toHaveLength(2);
    expect(advice[0]!.title).toBe('Render-blocking resources delay first paint: /vendor.js');
  });

  it('layout shifts behind a CLS regression: reserve space, naming the element', () => {
    const shifts: AuditChange = {
      id: 'layout-shifts',
      title: 'Avoid large layout shifts',
      base: { runs: 5, score: 1 },
      head: { runs: 5, score: 0 },
      grew: [],
      items: [{ label: 'body > div.banner', score: 0.08 }],
      newItems: [{ label: 'body > div.banner', score: 0.08 }],
    };
    const [advice] = lighthouseAdvice(['site///cls'], [evidence([page('/', [shifts])])]);
    expect(advice!.rule).toBe('layout-shifts');
    expect(advice!.title).toBe('Layout shifts: body > div.banner');
    expect(advice!.fix).toContain('Reserve space');
    expect(advice!.evidence[1]).toBe('page /: body > div.banner (shift 0.08, new at head)');
    expect(advice!.metrics).toEqual(['site///cls']);
  });

  it('names the LCP element when it changed', () => {
    const p = page('/', [], {
      lcpElement: {
        base: { selector: 'body > main > h1', phases: {} },
        head: { selector: 'body > div.hero > img', snippet: '<img src="hero.jpg">', phases: {} },
      },
    });
    const advice = lighthouseAdvice(['site///lcp'], [evidence([p])]);
    expect(advice).toHaveLength(1);
    expect(advice[0]!.rule).toBe('lcp-element-changed');
    expect(advice[0]!.evidence).toEqual([
      'page /: the LCP element was body > main > h1 at base and is body > div.hero > img at head',
    ]);
    const same = page('/', [], {
      lcpElement: { base: { selector: 'h1', phases: {} }, head: { selector: 'h1', phases: {} } },
    });
    expect(lighthouseAdvice(['site///lcp'], [evidence([same])])).toEqual([]);
  });

  it('shortens long lists of offenders in titles', () => {
    const many: AuditChange = {
      ...offscreen,
      newItems: [1, 2, 3, 4, 5].map((i) => ({ url: `/img/${i}.jpg`, wastedBytes: 50_000 })),
    };
    const [advice] = lighthouseAdvice(['site///lcp'], [evidence([page('/', [many])])]);
    expect(advice!.title).toBe(
      'Offscreen images loaded up front: /img/1.jpg, /img/2.jpg, /img/3.jpg and 2 more',
    );
  });

  it('recognises Lighthouse evidence among other probes’ evidence', () => {
    expect(isLighthouseEvidence(evidence([]))).toBe(true);
    expect(isLighthouseEvidence({ kind: 'http', routes: {} })).toBe(false);
    expect(isLighthouseEvidence(null)).toBe(false);
    expect(isLighthouseEvidence('lighthouse')).toBe(false);
  });
});
