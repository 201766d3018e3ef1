// Suggested fixes from Lighthouse evidence: for each regressed page metric, the audits that got
// worse between base and head (kinds/lighthouse/evidence.ts `worseAudits`) become advice naming
// the offending resources and what to do about them. Pure: data in, data out.

import { PAGE_METRICS, type PageCause } from '../kinds/lighthouse/catalogue.js';
import type {
  AuditChange,
  AuditFigures,
  LighthouseEvidence,
  LighthousePageEvidence,
} from '../kinds/lighthouse/evidence.js';
import type { AuditItem, EvidenceAudit, LighthouseMetric } from '../kinds/lighthouse/extract.js';
import { formatBytes } from '../report/format.js';
import type { Advice } from '../result.js';

/** Whether a probe's evidence (typed unknown by the pipeline) is Lighthouse evidence. */
export function isLighthouseEvidence(value: unknown): value is LighthouseEvidence {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'lighthouse' &&
    Array.isArray((value as { pages?: unknown }).pages)
  );
}

interface Rule {
  audit: EvidenceAudit;
  /** What the audit is a cause of; advice is given only when a metric it moves regressed. */
  moves: readonly PageCause[];
  title: (names: string) => string;
  fix: (names: string, change: AuditChange, evidence: LighthouseEvidence) => string;
  /** Whether the rule applies to this benchmark at all. */
  applies?: (evidence: LighthouseEvidence) => boolean;
  /** Rules already given for a page that make this one redundant there. */
  unless?: readonly EvidenceAudit[];
}

const LOAD: readonly PageCause[] = ['first-paint'];
const SCRIPT: readonly PageCause[] = ['first-paint', 'main-thread', 'bytes'];
const IMAGES: readonly PageCause[] = ['rendering', 'bytes'];
const MAIN_THREAD: readonly PageCause[] = ['main-thread'];

/** The page metrics a rule's causes move, in the catalogue's (report) order. */
function metricsMovedBy(causes: readonly PageCause[]): LighthouseMetric[] {
  return PAGE_METRICS.filter((e) => e.movedBy.some((c) => causes.includes(c))).map((e) => e.metric);
}

const isStylesheet = (name: string) => /\.css(\?|#|$)/i.test(name);

/** In priority order: the first rules are the likeliest to explain the regression. */
const RULES: readonly Rule[] = [
  {
    audit: 'render-blocking-resources',
    moves: LOAD,
    title: (names) => `Render-blocking resources delay first paint: ${names}`,
    fix: (names, change) => {
      const urls = namesOf(change);
      const css = urls.some(isStylesheet);
      const js = urls.some((u) => !isStylesheet(u));
      const parts: string[] = [];
      if (js || !css) {
        parts.push(
          `Load ${names} with \`defer\` or \`async\` (or as \`type="module"\`), or inline the small critical part and load the rest after first paint.`,
        );
      }
      if (css) {
        parts.push(
          'Inline the critical CSS and load the rest without blocking rendering (a `media` attribute, or `rel="preload"` then apply).',
        );
      }
      return parts.join(' ');
    },
  },
  {
    audit: 'server-response-time',
    moves: ['server'],
    title: () => 'The server answers the page more slowly',
    fix: () =>
      'Look at the server: profile the request handler of this page (database queries, rendering, blocking I/O, missing caching) between base and head.',
  },
  {
    audit: 'redirects',
    moves: ['server'],
    title: (names) => `New redirects before the page: ${names}`,
    fix: () =>
      'Link to the final URL directly; every redirect costs a round trip before anything loads.',
  },
  {
    audit: 'unused-javascript',
    moves: SCRIPT,
    title: (names) => `More unused JavaScript: ${names}`,
    fix: (names) =>
      `Split the bundle that grew (${names}): load code only on the routes and interactions that need it (dynamic \`import()\`, route-level code splitting), and drop dependencies the page does not use.`,
  },
  {
    audit: 'duplicated-javascript',
    moves: SCRIPT,
    title: (names) => `Modules bundled more than once: ${names}`,
    fix: () =>
      'Deduplicate them: align the versions of the dependency that is bundled twice and let the bundler share one chunk.',
  },
  {
    audit: 'legacy-javascript',
    moves: SCRIPT,
    title: (names) => `Polyfills and transforms modern browsers do not need: ${names}`,
    fix: () =>
      "Raise the build's browser target (or serve a separate modern bundle) so these polyfills are not shipped to every visitor.",
  },
  {
    audit: 'unminified-javascript',
    moves: SCRIPT,
    title: (names) => `Unminified JavaScript: ${names}`,
    fix: (names) =>
      `Minify ${names} in the production build (esbuild, terser or the bundler's minify option).`,
  },
  {
    audit: 'unused-css-rules',
    moves: LOAD,
    title: (names) => `More unused CSS: ${names}`,
    fix: (names) => `Remove the unused rules from ${names} or split the stylesheet per page.`,
  },
  {
    audit: 'unminified-css',
    moves: LOAD,
    title: (names) => `Unminified CSS: ${names}`,
    fix: (names) => `Minify ${names} in the production build.`,
  },
  {
    audit: 'uses-text-compression',
    moves: ['first-paint', 'bytes'],
    title: (names) => `Text served without compression: ${names}`,
    fix: (names) => `Compress text responses (gzip or brotli) for ${names} in the server or CDN.`,
    // perfgate's own file server never compresses: there the audit says nothing about the site.
    applies: (evidence) => evidence.server !== 'static',
  },
  {
    audit: 'offscreen-images',
    moves: IMAGES,
    title: (names) => `Offscreen images loaded up front: ${names}`,
    fix: (names) =>
      `Lazy-load ${names}: add \`loading="lazy"\` to images below the fold (keep the LCP image eager).`,
  },
  {
    audit: 'uses-optimized-images',
    moves: IMAGES,
    title: (names) => `Images that could be compressed: ${names}`,
    fix: (names) =>
      `Compress ${names} (lossy quality around 80 is rarely visible), or convert them to WebP or AVIF.`,
  },
  {
    audit: 'modern-image-formats',
    moves: IMAGES,
    title: (names) => `Images in older formats: ${names}`,
    fix: (names) => `Serve ${names} as WebP or AVIF.`,
    unless: ['uses-optimized-images'],
  },
  {
    audit: 'uses-responsive-images',
    moves: IMAGES,
    title: (names) => `Images larger than they are displayed: ${names}`,
    fix: (names) => `Serve ${names} at the size they are shown (\`srcset\` and \`sizes\`).`,
  },
  {
    audit: 'efficient-animated-content',
    moves: IMAGES,
    title: (names) => `Animated GIFs: ${names}`,
    fix: (names) => `Replace ${names} with a looping, muted video (MP4 or WebM).`,
  },
  {
    audit: 'bootup-time',
    moves: MAIN_THREAD,
    title: (names) => `More JavaScript execution time: ${names}`,
    fix: (names) =>
      `Reduce the work ${names} does while the page loads: run it only when needed, break long tasks up (yield to the main thread) or move it to a worker.`,
  },
  {
    audit: 'long-tasks',
    moves: MAIN_THREAD,
    title: (names) => `New long main-thread tasks: ${names}`,
    fix: (names) =>
      `Break up the long tasks of ${names}: yield to the main thread between chunks of work (\`setTimeout\`, \`scheduler.yield()\`) or move the work to a worker.`,
    unless: ['bootup-time'],
  },
  {
    audit: 'mainthread-work-breakdown',
    moves: MAIN_THREAD,
    title: (names) => `More main-thread work: ${names}`,
    fix: () =>
      'Reduce main-thread work during load: less script evaluation, simpler styles and layout, fewer DOM updates.',
    unless: ['bootup-time', 'long-tasks'],
  },
  {
    audit: 'third-party-summary',
    moves: ['main-thread', 'bytes'],
    title: (names) => `More third-party code: ${names}`,
    fix: () =>
      'Load third-party code after the page is usable, behind a facade (a static placeholder until interaction), or drop it.',
  },
  {
    audit: 'dom-size',
    moves: ['main-thread'],
    title: () => 'A larger DOM',
    fix: () =>
      'Render fewer elements: virtualize long lists and build content below the fold on demand.',
  },
  {
    audit: 'layout-shifts',
    moves: ['layout'],
    title: (names) => `Layout shifts: ${names}`,
    fix: () =>
      'Reserve space for content that arrives late (width/height or aspect-ratio on media, min-height on slots for ads and embeds), and do not insert content above what is already shown.',
  },
  {
    audit: 'unsized-images',
    moves: ['layout'],
    title: (names) => `Images without explicit size: ${names}`,
    fix: (names) => `Set \`width\` and \`height\` (or CSS aspect-ratio) on ${names}.`,
  },
  {
    audit: 'total-byte-weight',
    moves: ['bytes'],
    title: (names) => `The page transfers more bytes: ${names}`,
    fix: () =>
      'Remove, split or shrink the resources that grew; load what is not needed for the first view later.',
  },
];

const NAMES_IN_TITLE = 3;
const MAX_EVIDENCE = 50;
const MAX_EVIDENCE_CHARS = 2000;

function formatMs(ms: number): string {
  return `${Math.round(ms)} ms`;
}

function formatNumeric(value: number, unit: string | undefined): string {
  if (unit === 'millisecond') return formatMs(value);
  if (unit === 'byte') return formatBytes(value);
  if (unit === 'element') return `${Math.round(value)} elements`;
  return `${Math.round(value * 1000) / 1000}`;
}

const itemName = (item: AuditItem) => item.url ?? item.label ?? '?';

/** The items to name: new offenders first, then the rest by size. */
function offenders(change: AuditChange): AuditItem[] {
  const fresh = new Set(change.newItems.map(itemName));
  return [
    ...change.newItems,
    ...change.items.filter((i) => !fresh.has(itemName(i)) && i.url !== 'Unattributable'),
  ];
}

/** What to name in titles and fixes: the new offenders when there are any, else all of them. */
function namesOf(change: AuditChange): string[] {
  const items = change.newItems.length > 0 ? change.newItems : offenders(change);
  return items.map(itemName).filter((name) => name !== 'Unattributable');
}

function itemText(item: AuditItem, isNew: boolean): string {
  const parts: string[] = [];
  if (item.wastedMs !== undefined) parts.push(`~${formatMs(item.wastedMs)}`);
  if (item.ms !== undefined && item.wastedMs === undefined) parts.push(formatMs(item.ms));
  if (item.score !== undefined) parts.push(`shift ${Math.round(item.score * 1000) / 1000}`);
  if (item.wastedBytes !== undefined) parts.push(`${formatBytes(item.wastedBytes)} to save`);
  if (item.totalBytes !== undefined) parts.push(`${formatBytes(item.totalBytes)} transferred`);
  if (isNew) parts.push('new at head');
  return parts.length > 0 ? `${itemName(item)} (${parts.join(', ')})` : itemName(item);
}

function figuresText(side: AuditFigures): string {
  const parts: string[] = [];
  if (side.numericValue !== undefined)
    parts.push(formatNumeric(side.numericValue, side.numericUnit));
  if (side.savingsMs !== undefined && side.savingsMs > 0) {
    parts.push(`est. savings ${formatMs(side.savingsMs)}`);
  }
  if (side.savingsBytes !== undefined && side.savingsBytes > 0) {
    parts.push(`est. savings ${formatBytes(side.savingsBytes)}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function evidenceLines(page: LighthousePageEvidence, change: AuditChange): string[] {
  const where = `page ${page.page}`;
  const lines = [
    `${where}: ${change.title}: ${figuresText(change.head)} at head vs ${figuresText(change.base)} at base (medians of ${change.head.runs} head and ${change.base.runs} base runs)`,
  ];
  const fresh = new Set(change.newItems.map(itemName));
  const items = offenders(change).slice(0, 5);
  if (items.length > 0) {
    lines.push(`${where}: ${items.map((i) => itemText(i, fresh.has(itemName(i)))).join('; ')}`);
  }
  return lines.map((l) =>
    l.length > MAX_EVIDENCE_CHARS ? `${l.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : l,
  );
}

function titleNames(names: string[]): string {
  const shown = names.slice(0, NAMES_IN_TITLE).join(', ');
  return names.length > NAMES_IN_TITLE
    ? `${shown} and ${names.length - NAMES_IN_TITLE} more`
    : shown;
}

/**
 * Advice for the regressed metrics (by metric key) of Lighthouse benchmarks: one Advice per
 * rule, gathering every page where that audit got worse and one of the metrics it explains
 * regressed. Metrics without a worse audit get no advice (there is no evidence to give).
 */
export function lighthouseAdvice(
  regressed: readonly string[],
  evidence: readonly LighthouseEvidence[],
): Advice[] {
  const regressedKeys = new Set(regressed);
  const advice: Advice[] = [];
  for (const rule of RULES) {
    const lines: string[] = [];
    const metrics = new Set<string>();
    let first: { change: AuditChange; evidence: LighthouseEvidence } | undefined;
    const names: string[] = [];
    for (const ev of evidence) {
      if (rule.applies && !rule.applies(ev)) continue;
      for (const page of ev.pages) {
        const change = page.worse.find((c) => c.id === rule.audit);
        if (change === undefined) continue;
        if (rule.unless?.some((other) => page.worse.some((c) => c.id === other))) continue;
        const explained = metricsMovedBy(rule.moves)
          .map((m) => page.metrics[m])
          .filter((key) => key !== undefined && regressedKeys.has(key));
        if (explained.length === 0) continue;
        for (const key of explained) metrics.add(key);
        first ??= { change, evidence: ev };
        for (const name of namesOf(change)) if (!names.includes(name)) names.push(name);
        lines.push(...evidenceLines(page, change));
      }
    }
    if (first === undefined) continue;
    const shown = titleNames(names);
    advice.push({
      rule: rule.audit,
      title: rule.title(shown),
      fix: rule.fix(shown || 'them', first.change, first.evidence),
      evidence: lines.slice(0, MAX_EVIDENCE),
      metrics: [...metrics],
    });
  }
  // The LCP element itself changed: not a fix, but the first thing to look at.
  const lcpLines: string[] = [];
  const lcpMetrics: string[] = [];
  for (const ev of evidence) {
    for (const page of ev.pages) {
      const key = page.metrics.lcp;
      const { base, head } = page.lcpElement;
      if (!regressedKeys.has(key) || base === undefined || head === undefined) continue;
      if ((base.selector ?? base.snippet) === (head.selector ?? head.snippet)) continue;
      lcpMetrics.push(key);
      lcpLines.push(
        `page ${page.page}: the LCP element was ${base.selector ?? base.snippet} at base and is ${head.selector ?? head.snippet} at head`,
      );
    }
  }
  if (lcpLines.length > 0) {
    advice.push({
      rule: 'lcp-element-changed',
      title: 'The largest contentful paint is a different element at head',
      fix: 'Check that the new largest element is meant to be there; if it is an image, preload it and keep it eager (no `loading="lazy"`), and give it explicit dimensions.',
      evidence: lcpLines.slice(0, MAX_EVIDENCE),
      metrics: lcpMetrics,
    });
  }
  return advice;
}
