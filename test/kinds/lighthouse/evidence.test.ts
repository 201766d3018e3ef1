// The pure parts of the Lighthouse probe: metrics and audit snapshots out of a Lighthouse
// result, "what got worse" between base and head runs, budgets, specs and config checks.
// The two results are real Lighthouse 12.8.2 output (desktop preset) for the render-blocking
// fixture site, trimmed to the audits the probe reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_METRICS } from '../../../src/kinds/lighthouse/catalogue.js';
import { type LighthouseRun, worseAudits } from '../../../src/kinds/lighthouse/evidence.js';
import {
  type AuditSnapshot,
  EVIDENCE_AUDITS,
  metricsOf,
  resourcesOf,
  snapshotAudit,
} from '../../../src/kinds/lighthouse/extract.js';
import type { LighthouseModule, LighthouseResult } from '../../../src/kinds/lighthouse/loader.js';
import {
  createLighthouseProbe,
  lighthouseSpecs,
  pageUrl,
} from '../../../src/kinds/lighthouse/probe.js';
import type { LighthouseBenchmarkConfig } from '../../../src/model.js';

const readLhr = (side: 'base' | 'head'): LighthouseResult =>
  JSON.parse(
    readFileSync(
      new URL(`../../fixtures/lighthouse/lhr-render-blocking-${side}.json`, import.meta.url),
      'utf8',
    ),
  );
const lhr = { base: readLhr('base'), head: readLhr('head') };
const origin = { base: 'http://127.0.0.1:33673', head: 'http://127.0.0.1:34951' };

function runOf(side: 'base' | 'head', round: number, tweak?: (r: LighthouseRun) => void) {
  const result = lhr[side];
  const audits: LighthouseRun['audits'] = {};
  for (const id of EVIDENCE_AUDITS) {
    const audit = result.audits[id];
    if (audit) audits[id] = snapshotAudit(audit, origin[side]);
  }
  const run: LighthouseRun = {
    side,
    round,
    page: '/',
    url: `${origin[side]}/`,
    metrics: metricsOf(result),
    audits,
    resources: resourcesOf(result, origin[side]),
    warnings: [],
    durationMs: 5000,
  };
  tweak?.(run);
  return run;
}

const bench = (fields: Partial<LighthouseBenchmarkConfig> = {}): LighthouseBenchmarkConfig => ({
  name: 'home',
  type: 'lighthouse',
  serve: '.',
  pages: ['/', '/products'],
  preset: 'desktop',
  budgets: {},
  ...fields,
});

describe('metricsOf', () => {
  it('reads every metric from a real result, the score as 0..100', () => {
    expect(metricsOf(lhr.head)).toEqual({
      lcp: lhr.head.audits['largest-contentful-paint']!.numericValue,
      fcp: lhr.head.audits['first-contentful-paint']!.numericValue,
      tbt: 0,
      'max-potential-fid': 16,
      'speed-index': lhr.head.audits['speed-index']!.numericValue,
      ttfb: lhr.head.audits['server-response-time']!.numericValue,
      cls: 0,
      // Lighthouse's total-byte-weight less the 404 of Chrome's own /favicon.ico request.
      weight: 101298 - 144,
      score: 99,
    });
    expect(lhr.head.audits['total-byte-weight']!.numericValue).toBe(101298);
    expect(metricsOf(lhr.base).weight).toBe(1083 - 144);
    expect(metricsOf(lhr.base).score).toBe(100);
  });

  it('leaves only failed requests of type Other (Chrome’s favicon probe) out of the weight', () => {
    const result = structuredClone(lhr.head);
    const requests = result.audits['network-requests']!.details!.items!;
    expect(requests.find((r) => String(r.url).endsWith('/favicon.ico'))).toMatchObject({
      resourceType: 'Other',
      statusCode: 404,
      transferSize: 144,
    });
    // Without the favicon request (later runs of the origin) the weight is the same.
    result.audits['network-requests']!.details!.items = requests.filter(
      (r) => !String(r.url).endsWith('/favicon.ico'),
    );
    result.audits['total-byte-weight']!.numericValue = 101298 - 144;
    expect(metricsOf(result).weight).toBe(metricsOf(lhr.head).weight);
    // A failed script is the page's own doing and stays counted.
    const failedScript = structuredClone(lhr.head);
    failedScript.audits['network-requests']!.details!.items!.push({
      url: 'http://127.0.0.1:34951/gone.js',
      resourceType: 'Script',
      statusCode: 404,
      transferSize: 150,
    });
    expect(metricsOf(failedScript).weight).toBe(metricsOf(lhr.head).weight);
  });

  it('names the metric Lighthouse could not compute, with its reason', () => {
    const broken = structuredClone(lhr.base);
    delete broken.audits['largest-contentful-paint']!.numericValue;
    broken.audits['largest-contentful-paint']!.errorMessage = 'NO_LCP';
    expect(() => metricsOf(broken)).toThrow(
      'Lighthouse could not compute lcp (largest-contentful-paint): NO_LCP',
    );
    const noScore = structuredClone(lhr.base);
    noScore.categories.performance = { score: null };
    expect(() => metricsOf(noScore)).toThrow(/no performance score/);
  });
});

describe('snapshotAudit', () => {
  it('keeps savings and offending items, with URLs of the site made relative', () => {
    const snap = snapshotAudit(lhr.head.audits['render-blocking-resources']!, origin.head);
    expect(snap).toMatchObject({ id: 'render-blocking-resources', score: 0, savingsMs: 516 });
    expect(snap.items).toEqual([
      { url: '/vendor.js', totalBytes: 100176, wastedMs: 216 },
      { url: '/style.css', totalBytes: 273, wastedMs: 56 },
    ]);
  });

  it('labels items without a URL (work categories) and keeps main-thread times', () => {
    const breakdown = snapshotAudit(lhr.head.audits['mainthread-work-breakdown']!, origin.head);
    expect(breakdown.numericUnit).toBe('millisecond');
    expect(breakdown.items[0]).toEqual({ label: 'Script Evaluation', ms: 304.7850000000001 });
    const bootup = snapshotAudit(lhr.head.audits['bootup-time']!, origin.head);
    expect(bootup.items[0]).toMatchObject({ url: '/vendor.js', ms: 304.543 });
  });

  it('keeps third-party URLs whole', () => {
    const audit = {
      id: 'render-blocking-resources',
      score: 0,
      details: {
        items: [{ url: 'https://cdn.example.com/lib.js', wastedMs: 300, totalBytes: 5000 }],
      },
    };
    expect(snapshotAudit(audit, origin.head).items[0]!.url).toBe('https://cdn.example.com/lib.js');
  });
});

describe('worseAudits', () => {
  it('finds the render-blocking script head added, with its estimated savings and as new', () => {
    const base = [runOf('base', 0), runOf('base', 1), runOf('base', 2)];
    const head = [runOf('head', 0), runOf('head', 1), runOf('head', 2)];
    const worse = worseAudits(base, head);
    const ids = worse.map((c) => c.id);
    expect(ids).toContain('render-blocking-resources');
    expect(ids).toContain('total-byte-weight');
    expect(ids).toContain('bootup-time');
    expect(ids).toContain('unminified-javascript');
    expect(ids).toContain('uses-text-compression');
    const rb = worse.find((c) => c.id === 'render-blocking-resources')!;
    expect(rb.base.savingsMs).toBe(52);
    expect(rb.head.savingsMs).toBe(516);
    expect(rb.grew).toContain('savingsMs');
    expect(rb.newItems.map((i) => i.url)).toEqual(['/vendor.js']);
    // The stylesheet blocked at base too: listed, not new.
    expect(rb.items.map((i) => i.url)).toEqual(['/vendor.js', '/style.css']);
    const weight = worse.find((c) => c.id === 'total-byte-weight')!;
    expect(weight.head.numericValue! - weight.base.numericValue!).toBe(101298 - 1083);
    // Nothing about images or layout shifts got worse.
    expect(ids).not.toContain('offscreen-images');
    expect(ids).not.toContain('layout-shifts');
  });

  it('lists the resources each run loaded', () => {
    expect(runOf('head', 0).resources).toEqual(['/', '/style.css', '/vendor.js', '/favicon.ico']);
  });

  it('a file the audit flags at head only, but base loaded too, is not new', () => {
    // Lighthouse drops render-blocking items under 50 ms: the stylesheet comes and goes.
    const dropStyle = (r: LighthouseRun) => {
      const rb = r.audits['render-blocking-resources']!;
      rb.items = rb.items.filter((i) => i.url !== '/style.css');
    };
    const base = [runOf('base', 0, dropStyle), runOf('base', 1, dropStyle)];
    const head = [runOf('head', 0), runOf('head', 1)];
    const rb = worseAudits(base, head).find((c) => c.id === 'render-blocking-resources')!;
    expect(rb.newItems.map((i) => i.url)).toEqual(['/vendor.js']);
  });

  it('finds nothing between identical runs (A/A)', () => {
    expect(worseAudits([runOf('base', 0), runOf('base', 1)], [runOf('base', 2)])).toEqual([]);
    expect(worseAudits([runOf('head', 0)], [runOf('head', 1), runOf('head', 2)])).toEqual([]);
  });

  it('ignores changes below the noise floors, and uses medians so one odd run does not count', () => {
    const grow = (id: keyof LighthouseRun['audits'], f: (s: AuditSnapshot) => void) => {
      return (r: LighthouseRun) => f(r.audits[id]!);
    };
    const base = [runOf('head', 0), runOf('head', 1), runOf('head', 2)];
    // +20 ms of estimated savings on 516 ms: below the 25 ms floor.
    const slight = [0, 1, 2].map((i) =>
      runOf(
        'head',
        i,
        grow('render-blocking-resources', (s) => {
          s.savingsMs = 536;
        }),
      ),
    );
    expect(worseAudits(base, slight).map((c) => c.id)).not.toContain('render-blocking-resources');
    // One run of three with +400 ms: the median does not move.
    const odd = [
      runOf(
        'head',
        0,
        grow('bootup-time', (s) => (s.numericValue = 706)),
      ),
      runOf('head', 1),
      runOf('head', 2),
    ];
    expect(worseAudits(base, odd)).toEqual([]);
    // All three: it did get worse.
    const all = [0, 1, 2].map((i) =>
      runOf(
        'head',
        i,
        grow('bootup-time', (s) => (s.numericValue = 706)),
      ),
    );
    expect(worseAudits(base, all).map((c) => c.id)).toEqual(['bootup-time']);
  });

  it('a DOM counts as worse past 100 more elements; a new shifting element past 0.01', () => {
    const withDom = (n: number) => (r: LighthouseRun) => {
      r.audits['dom-size'] = {
        id: 'dom-size',
        title: 'Avoid an excessive DOM size',
        score: 1,
        numericValue: n,
        numericUnit: 'element',
        items: [],
      };
    };
    const base = [runOf('base', 0, withDom(8))];
    expect(worseAudits(base, [runOf('base', 1, withDom(40))])).toEqual([]);
    expect(worseAudits(base, [runOf('base', 1, withDom(800))]).map((c) => c.id)).toEqual([
      'dom-size',
    ]);
    const shifts = (score: number) => (r: LighthouseRun) => {
      r.audits['layout-shifts'] = snapshotAudit(
        {
          id: 'layout-shifts',
          title: 'Avoid large layout shifts',
          score: 0,
          details: {
            items: [{ node: { selector: 'body > div.banner', snippet: '<div>' }, score }],
          },
        },
        origin.base,
      );
    };
    const small = worseAudits(base, [runOf('base', 1, shifts(0.002))]);
    expect(small).toEqual([]);
    const big = worseAudits(base, [runOf('base', 1, shifts(0.08))]);
    expect(big.map((c) => c.id)).toEqual(['layout-shifts']);
    expect(big[0]!.newItems).toEqual([{ label: 'body > div.banner', score: 0.08 }]);
    // An image without dimensions is an offender as such.
    const unsized = worseAudits(base, [
      runOf('base', 1, (r) => {
        r.audits['unsized-images'] = {
          id: 'unsized-images',
          title: 'Image elements do not have explicit width and height',
          score: 0,
          items: [{ url: '/hero.jpg' }],
        };
      }),
    ]);
    expect(unsized.map((c) => [c.id, c.newItems])).toEqual([
      ['unsized-images', [{ url: '/hero.jpg' }]],
    ]);
  });

  it('reports a new offender even when the totals stay below their floors', () => {
    const base = [runOf('base', 0)];
    const head = [
      runOf('base', 1, (r) => {
        r.audits['offscreen-images'] = {
          id: 'offscreen-images',
          title: 'Defer offscreen images',
          score: 0.5,
          savingsMs: 0,
          savingsBytes: 900,
          items: [{ url: '/hero-2.jpg', wastedBytes: 900, totalBytes: 120_000 }],
        };
      }),
    ];
    const worse = worseAudits(base, head);
    expect(worse.map((c) => c.id)).toEqual(['offscreen-images']);
    expect(worse[0]!.grew).toEqual([]);
    expect(worse[0]!.newItems).toEqual([
      { url: '/hero-2.jpg', wastedBytes: 900, totalBytes: 120_000 },
    ]);
  });
});

describe('specs and page URLs', () => {
  it('announces every metric of every page, keyed benchmark/page/metric', () => {
    const specs = lighthouseSpecs(bench());
    expect(specs).toHaveLength(2 * PAGE_METRICS.length);
    const byKey = Object.fromEntries(specs.map((s) => [s.key, s]));
    expect(byKey['home///lcp']).toMatchObject({
      target: '/',
      metric: 'lcp',
      unit: 'ms',
      better: 'lower',
      scale: 'ratio',
    });
    expect(byKey['home//products/tbt']).toMatchObject({ scale: 'difference' });
    expect(byKey['home///max-potential-fid']).toMatchObject({
      unit: 'ms',
      better: 'lower',
      scale: 'difference',
    });
    expect(byKey['home///cls']).toMatchObject({ scale: 'difference', unit: 'unitless' });
    expect(byKey['home///weight']).toMatchObject({ scale: 'exact', unit: 'bytes' });
    expect(byKey['home///score']).toMatchObject({ better: 'higher', scale: 'difference' });
  });

  it('builds page URLs on the side origin', () => {
    expect(pageUrl('http://127.0.0.1:5000', '/')).toBe('http://127.0.0.1:5000/');
    expect(pageUrl('http://127.0.0.1:5000', '/products?page=2')).toBe(
      'http://127.0.0.1:5000/products?page=2',
    );
    expect(pageUrl('http://127.0.0.1:5000', 'about')).toBe('http://127.0.0.1:5000/about');
  });
});

describe('createLighthouseProbe configuration', () => {
  const options = {
    trees: {
      base: { side: 'base' as const, ref: 'main', sha: 'a'.repeat(40), dir: '/nowhere' },
      head: { side: 'head' as const, ref: 'pr', sha: 'b'.repeat(40), dir: '/nowhere' },
    },
    chrome: { port: 9 },
    lighthouse: {} as LighthouseModule,
  };

  it('needs exactly one of serve and start', () => {
    expect(() => createLighthouseProbe(bench({ serve: undefined }), options)).toThrow(
      'benchmarks "home": exactly one of serve and start must be set, got neither',
    );
    const both = bench({
      server: { start: 'node s.js', readyTimeoutMs: 1000, env: {}, cwd: '.' },
    });
    expect(() => createLighthouseProbe(both, options)).toThrow(/got both/);
  });

  it('needs a page', () => {
    expect(() => createLighthouseProbe(bench({ pages: [] }), options)).toThrow(/pages is empty/);
  });

  it('a serve directory missing from the tree fails the round with the path', async () => {
    const probe = createLighthouseProbe(bench({ serve: 'dist' }), options);
    await expect(probe.measure('base', 0)).rejects.toThrow('"/nowhere/dist" does not exist');
    await probe.dispose!();
  });
});
