// Lighthouse probe: web vitals of each page of a built site, base vs head. One Lighthouse run per
// page per side per round, all against the run's one Chromium (through its DevTools port), with
// Lighthouse's default simulated throttling. Keeps the audits advice/ needs as evidence.
import { join } from 'node:path';
import type {
  BudgetCheck,
  LighthouseBenchmarkConfig,
  Observation,
  Side,
  Tree,
} from '../../model.js';
import { budgetExceeded } from '../../verdict/gate.js';
import { type RunningServer, startServer } from '../../workspace/server.js';
import { type StaticServer, startStaticServer } from '../../workspace/static-server.js';
import { catalogueSpec, metricKey, type Probe, ProbeError } from '../types.js';
import { PAGE_METRICS, type PageMetricEntry } from './catalogue.js';
import type { LighthouseAuditResult, LighthouseModule, LighthouseResult } from './loader.js';

export type LighthouseMetric = (typeof PAGE_METRICS)[number]['metric'];

/** The catalogue seen entry by entry, each with its audit or none (the score). */
const PAGE_ENTRIES: ReadonlyArray<PageMetricEntry & { metric: LighthouseMetric }> = PAGE_METRICS;

/**
 * Audits kept from every run, as evidence of what got worse. Opportunities (with estimated
 * savings) and diagnostics (with a measured value) that point at a cause someone can fix.
 */
export const EVIDENCE_AUDITS = [
  'render-blocking-resources',
  'unused-javascript',
  'unminified-javascript',
  'unminified-css',
  'unused-css-rules',
  'legacy-javascript',
  'duplicated-javascript',
  'uses-optimized-images',
  'modern-image-formats',
  'uses-responsive-images',
  'offscreen-images',
  'efficient-animated-content',
  'uses-text-compression',
  'server-response-time',
  'redirects',
  'total-byte-weight',
  'bootup-time',
  'mainthread-work-breakdown',
  'long-tasks',
  'third-party-summary',
  'dom-size',
  'layout-shifts',
  'unsized-images',
] as const;

export type EvidenceAudit = (typeof EVIDENCE_AUDITS)[number];

/** Lighthouse settings every run uses, besides the preset. */
export const LIGHTHOUSE_FLAGS = {
  output: 'json',
  logLevel: 'error',
  onlyCategories: ['performance'],
  // Neither feeds a performance metric and together they cost ~1.5 s of every run: the full-page
  // screenshot (report decoration) and the back/forward-cache check (a second navigation).
  disableFullPageScreenshot: true,
  skipAudits: ['bf-cache'],
} as const;

/** One offending resource (or element, or work category) of an audit, as Lighthouse lists it. */
export interface AuditItem {
  /** The resource's path when it is on the measured site's origin, else its full URL. */
  url?: string;
  /** What it is when it has no URL: a work category, an element, a third-party entity. */
  label?: string;
  wastedMs?: number;
  wastedBytes?: number;
  totalBytes?: number;
  /** Main-thread time (bootup-time, long-tasks, mainthread-work-breakdown, third parties). */
  ms?: number;
  /** Layout-shift score of an element (layout-shifts). */
  score?: number;
}

/** The part of one audit of one run that evidence needs. */
export interface AuditSnapshot {
  id: string;
  title: string;
  score: number | null;
  numericValue?: number;
  numericUnit?: string;
  displayValue?: string;
  savingsMs?: number;
  savingsBytes?: number;
  items: AuditItem[];
}

export interface LcpElement {
  selector?: string;
  snippet?: string;
  /** LCP phases in ms: TTFB, Load Delay, Load Time, Render Delay. */
  phases: Record<string, number>;
}

/** One Lighthouse run of one page. */
export interface LighthouseRun {
  side: Side;
  round: number;
  page: string;
  url: string;
  metrics: Record<LighthouseMetric, number>;
  audits: Partial<Record<EvidenceAudit, AuditSnapshot>>;
  /** Every resource the page loaded (paths on the site's origin, other URLs whole). */
  resources: string[];
  lcpElement?: LcpElement;
  warnings: string[];
  durationMs: number;
}

/** Medians over a side's runs of an audit's figures. */
export interface AuditFigures {
  runs: number;
  score: number | null;
  numericValue?: number;
  numericUnit?: string;
  savingsMs?: number;
  savingsBytes?: number;
}

/** An audit that got worse from base to head. */
export interface AuditChange {
  id: EvidenceAudit;
  title: string;
  base: AuditFigures;
  head: AuditFigures;
  /** What grew: the figures that crossed their noise floor. */
  grew: Array<'numericValue' | 'savingsMs' | 'savingsBytes'>;
  /** Offending items of a typical head run (the one with the median figure), largest first. */
  items: AuditItem[];
  /** Items at head that are new: a resource no base run loaded, or an element (label) no base
   *  run listed. (Not merely newly flagged: audits drop items under their own thresholds, so an
   *  unchanged file can appear in one run's list and not in another's.) */
  newItems: AuditItem[];
}

export interface LighthousePageEvidence {
  page: string;
  /** Metric keys of this page by metric name, so advice can tie a regressed key to its page. */
  metrics: Record<LighthouseMetric, string>;
  runs: Record<Side, number>;
  worse: AuditChange[];
  lcpElement: Partial<Record<Side, LcpElement>>;
  /** Lighthouse's own run warnings, once each. */
  warnings: string[];
}

export interface LighthouseEvidence {
  kind: 'lighthouse';
  benchmark: string;
  preset: 'desktop' | 'mobile';
  /** `static`: perfgate's own file server (uncompressed); `command`: the project's server. */
  server: 'static' | 'command';
  lighthouseVersion?: string;
  pages: LighthousePageEvidence[];
}

export type LighthouseFailure = 'chrome-exited' | 'server-exited' | 'runtime-error' | 'no-metric';

export class LighthouseProbeError extends ProbeError {
  override name = 'LighthouseProbeError';
  readonly page: string;
  readonly url: string;
  readonly reason: LighthouseFailure;
  /** Lighthouse's error code (`ERRORED_DOCUMENT_REQUEST`, `NO_LCP`…), when it gave one. */
  readonly code: string | undefined;
  constructor(
    message: string,
    data: {
      benchmark: string;
      side: Side;
      page: string;
      url: string;
      reason: LighthouseFailure;
      code?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, data.benchmark, data.side, options);
    this.page = data.page;
    this.url = data.url;
    this.reason = data.reason;
    this.code = data.code;
  }
}

/** The part of a launched Chrome (chrome.ts) the probe uses. */
export interface ChromeHandle {
  port: number;
  running?(): boolean;
  stderrTail?(): string;
}

export interface LighthouseProbe extends Probe {
  evidence(): Promise<LighthouseEvidence>;
  /** Every run of a whole round so far, in order (for tests and the benchmark script). */
  runs(): LighthouseRun[];
}

export interface LighthouseProbeOptions {
  trees: Record<Side, Tree>;
  chrome: ChromeHandle;
  lighthouse: LighthouseModule;
  /** Extra Lighthouse flags over LIGHTHOUSE_FLAGS. */
  flags?: Record<string, unknown>;
  onServerOutput?: (side: Side, text: string) => void;
}

export function pageUrl(origin: string, page: string): string {
  return `${origin}${page.startsWith('/') ? page : `/${page}`}`;
}

const finiteOrUndefined = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x) ? x : undefined;

/** The path of a URL on `origin`; other URLs (third parties, `Unattributable`) as they are. */
function siteUrl(url: string, origin: string): string {
  return url.startsWith(`${origin}/`) ? url.slice(origin.length) : url;
}

const MAX_ITEMS = 10;

function nodeLabel(node: unknown): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as { selector?: unknown; snippet?: unknown; nodeLabel?: unknown };
  for (const v of [n.selector, n.snippet, n.nodeLabel]) if (typeof v === 'string' && v) return v;
  return undefined;
}

function snapshotItem(raw: Record<string, unknown>, origin: string): AuditItem | undefined {
  const item: AuditItem = {};
  if (typeof raw.url === 'string') item.url = siteUrl(raw.url, origin);
  else if (typeof raw.groupLabel === 'string') item.label = raw.groupLabel;
  else if (typeof raw.entity === 'string') item.label = raw.entity;
  else if (typeof raw.entity === 'object' && raw.entity !== null) {
    const text = (raw.entity as { text?: unknown }).text;
    if (typeof text === 'string') item.label = text;
  } else {
    const label = nodeLabel(raw.node);
    if (label !== undefined) item.label = label;
  }
  const wastedMs = finiteOrUndefined(raw.wastedMs);
  const wastedBytes = finiteOrUndefined(raw.wastedBytes);
  const totalBytes = finiteOrUndefined(raw.totalBytes ?? raw.transferSize);
  const ms = finiteOrUndefined(raw.total ?? raw.duration ?? raw.mainThreadTime);
  const score = finiteOrUndefined(raw.score);
  if (wastedMs !== undefined) item.wastedMs = wastedMs;
  if (wastedBytes !== undefined) item.wastedBytes = wastedBytes;
  if (totalBytes !== undefined) item.totalBytes = totalBytes;
  if (ms !== undefined) item.ms = ms;
  if (score !== undefined) item.score = score;
  if (item.url === undefined && item.label === undefined) return undefined;
  return item;
}

function itemSize(item: AuditItem): number {
  return (
    item.wastedMs ?? item.ms ?? item.score ?? (item.wastedBytes ?? item.totalBytes ?? 0) / 1000
  );
}

export function snapshotAudit(audit: LighthouseAuditResult, origin: string): AuditSnapshot {
  const snapshot: AuditSnapshot = {
    id: audit.id,
    title: audit.title ?? audit.id,
    score: audit.score,
    items: [],
  };
  const numericValue = finiteOrUndefined(audit.numericValue);
  if (numericValue !== undefined) snapshot.numericValue = numericValue;
  if (audit.numericUnit !== undefined) snapshot.numericUnit = audit.numericUnit;
  if (audit.displayValue !== undefined) snapshot.displayValue = audit.displayValue;
  const details = audit.details;
  const savingsMs = finiteOrUndefined(details?.overallSavingsMs);
  const savingsBytes = finiteOrUndefined(details?.overallSavingsBytes);
  if (savingsMs !== undefined) snapshot.savingsMs = savingsMs;
  if (savingsBytes !== undefined) snapshot.savingsBytes = savingsBytes;
  const items = Array.isArray(details?.items) ? details.items : [];
  snapshot.items = items
    .map((raw) => (typeof raw === 'object' && raw !== null ? snapshotItem(raw, origin) : undefined))
    .filter((item): item is AuditItem => item !== undefined)
    .sort((a, b) => itemSize(b) - itemSize(a))
    .slice(0, MAX_ITEMS);
  return snapshot;
}

/** The URLs a page loaded, from the `network-requests` audit, relative to `origin` where on it. */
export function resourcesOf(lhr: LighthouseResult, origin: string): string[] {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  const urls = new Set<string>();
  for (const item of items) if (typeof item.url === 'string') urls.add(siteUrl(item.url, origin));
  return [...urls];
}

/** The LCP element and its phases from the `largest-contentful-paint-element` audit. */
function lcpElementOf(audit: LighthouseAuditResult | undefined): LcpElement | undefined {
  const tables = audit?.details?.items;
  if (!Array.isArray(tables)) return undefined;
  const element: LcpElement = { phases: {} };
  for (const table of tables) {
    const rows = (table as { items?: unknown }).items;
    if (!Array.isArray(rows)) continue;
    for (const row of rows as Array<Record<string, unknown>>) {
      const node = row.node as { selector?: unknown; snippet?: unknown } | undefined;
      if (node !== undefined) {
        if (typeof node.selector === 'string') element.selector = node.selector;
        if (typeof node.snippet === 'string') element.snippet = node.snippet;
      }
      const timing = finiteOrUndefined(row.timing);
      if (typeof row.phase === 'string' && timing !== undefined) element.phases[row.phase] = timing;
    }
  }
  return element.selector === undefined && element.snippet === undefined ? undefined : element;
}

/** The metrics of one Lighthouse result; throws a plain Error naming what is missing. */
export function metricsOf(lhr: LighthouseResult): Record<LighthouseMetric, number> {
  const out = {} as Record<LighthouseMetric, number>;
  for (const m of PAGE_ENTRIES) {
    if (m.audit === undefined) {
      const score = lhr.categories.performance?.score;
      if (typeof score !== 'number') {
        throw new Error('Lighthouse gave no performance score (a metric it needs failed)');
      }
      // Lighthouse reports 0..1 with two decimals; reports and budgets read it as 0..100.
      out.score = Math.round(score * 100);
      continue;
    }
    const audit = lhr.audits[m.audit];
    const value = finiteOrUndefined(audit?.numericValue);
    if (value === undefined) {
      const why = audit?.errorMessage ?? (audit ? 'no value' : 'the audit is missing');
      throw new Error(`Lighthouse could not compute ${m.metric} (${m.audit}): ${why}`);
    }
    out[m.metric] = m.metric === 'weight' ? value - flakyFaviconBytes(lhr) : value;
  }
  return out;
}

/**
 * Bytes of failed favicon fetches. Chrome asks for /favicon.ico on its own (resource type
 * `Other`), and after a 404 it remembers the failure for the session and stops asking, so the
 * first run of an origin would weigh ~150 B more than the others. Leaving failed `Other`
 * requests out keeps the weight of an unchanged page exactly constant. (A declared icon that
 * loads is fetched on every run and stays counted.)
 */
function flakyFaviconBytes(lhr: LighthouseResult): number {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  let bytes = 0;
  for (const item of items) {
    const status = finiteOrUndefined(item.statusCode) ?? 0;
    const size = finiteOrUndefined(item.transferSize) ?? 0;
    if (item.resourceType === 'Other' && status >= 400) bytes += size;
  }
  return bytes;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function figuresOf(snapshots: AuditSnapshot[]): AuditFigures {
  const pick = (f: (s: AuditSnapshot) => number | undefined) =>
    median(snapshots.map(f).filter((x): x is number => x !== undefined));
  const figures: AuditFigures = {
    runs: snapshots.length,
    score: pick((s) => s.score ?? undefined) ?? null,
  };
  const numericValue = pick((s) => s.numericValue);
  const savingsMs = pick((s) => s.savingsMs);
  const savingsBytes = pick((s) => s.savingsBytes);
  if (numericValue !== undefined) figures.numericValue = numericValue;
  const unit = snapshots.find((s) => s.numericUnit !== undefined)?.numericUnit;
  if (unit !== undefined) figures.numericUnit = unit;
  if (savingsMs !== undefined) figures.savingsMs = savingsMs;
  if (savingsBytes !== undefined) figures.savingsBytes = savingsBytes;
  return figures;
}

/**
 * Noise floors of "got worse": timings move by tens of ms between identical runs, so a time must
 * grow by 25 ms and 10%; byte figures are near-deterministic, so 1 kB (and 2%) is a real change;
 * a DOM is worth mentioning when it grew by 100 elements (and 10%).
 */
const FLOOR = {
  ms: { abs: 25, rel: 0.1 },
  bytes: { abs: 1000, rel: 0.02 },
  elements: { abs: 100, rel: 0.1 },
  other: { abs: 0, rel: 0.1 },
};
type FloorUnit = keyof typeof FLOOR;
/** A layout shift this large is a visible jump (CLS "good" ends at 0.1). */
const MATERIAL_SHIFT = 0.01;

function grewPast(base: number | undefined, head: number | undefined, unit: FloorUnit) {
  if (head === undefined) return false;
  const b = base ?? 0;
  const floor = FLOOR[unit];
  return head - b > floor.abs && head - b > floor.rel * Math.abs(b);
}

function unitOf(numericUnit: string | undefined): FloorUnit {
  if (numericUnit === 'millisecond') return 'ms';
  if (numericUnit === 'byte') return 'bytes';
  if (numericUnit === 'element') return 'elements';
  return 'other';
}

/** Audits whose every item is an offending element, without a figure to weigh it by. */
const ELEMENT_LISTS: ReadonlySet<EvidenceAudit> = new Set(['unsized-images']);

/** Whether an item is big enough to name as a new offender. */
function material(id: EvidenceAudit, item: AuditItem): boolean {
  return (
    ELEMENT_LISTS.has(id) ||
    (item.wastedMs ?? 0) >= FLOOR.ms.abs ||
    (item.ms ?? 0) >= FLOOR.ms.abs ||
    (item.wastedBytes ?? 0) >= FLOOR.bytes.abs ||
    (item.totalBytes ?? 0) >= FLOOR.bytes.abs ||
    (item.score ?? 0) >= MATERIAL_SHIFT
  );
}

const itemName = (item: AuditItem) => item.url ?? item.label ?? '';

/**
 * The audits that got worse from the base runs to the head runs of one page: a figure (value,
 * estimated time or byte savings; medians over runs) grew past its noise floor, or head lists a
 * material offender no base run listed.
 */
export function worseAudits(base: LighthouseRun[], head: LighthouseRun[]): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const id of EVIDENCE_AUDITS) {
    const b = base.map((r) => r.audits[id]).filter((s): s is AuditSnapshot => s !== undefined);
    const h = head.map((r) => r.audits[id]).filter((s): s is AuditSnapshot => s !== undefined);
    if (h.length === 0) continue;
    const bf = figuresOf(b);
    const hf = figuresOf(h);
    const grew: AuditChange['grew'] = [];
    if (grewPast(bf.numericValue, hf.numericValue, unitOf(hf.numericUnit)))
      grew.push('numericValue');
    if (grewPast(bf.savingsMs, hf.savingsMs, 'ms')) grew.push('savingsMs');
    if (grewPast(bf.savingsBytes, hf.savingsBytes, 'bytes')) grew.push('savingsBytes');
    const listedAtBase = new Set(b.flatMap((s) => s.items.map(itemName)));
    const loadedAtBase = new Set(base.flatMap((r) => r.resources));
    const isNew = (i: AuditItem) =>
      !listedAtBase.has(itemName(i)) && (i.url === undefined || !loadedAtBase.has(i.url));
    // The head run whose headline figure is the median stands for head.
    const headline = (s: AuditSnapshot) => s.savingsMs ?? s.numericValue ?? s.savingsBytes ?? 0;
    const typical = [...h].sort((x, y) => headline(x) - headline(y))[(h.length - 1) >> 1]!;
    const newItems = typical.items.filter((i) => isNew(i) && material(id, i));
    if (grew.length === 0 && newItems.length === 0) continue;
    changes.push({
      id,
      title: typical.title,
      base: bf,
      head: hf,
      grew,
      items: typical.items,
      newItems,
    });
  }
  return changes;
}

/** The most frequent LCP element of a side's runs. */
function typicalLcpElement(runs: LighthouseRun[]): LcpElement | undefined {
  const counts = new Map<string, { n: number; element: LcpElement }>();
  for (const run of runs) {
    if (run.lcpElement === undefined) continue;
    const name = `${run.lcpElement.selector ?? ''}\n${run.lcpElement.snippet ?? ''}`;
    const entry = counts.get(name);
    if (entry) entry.n++;
    else counts.set(name, { n: 1, element: run.lcpElement });
  }
  let best: { n: number; element: LcpElement } | undefined;
  for (const entry of counts.values()) if (best === undefined || entry.n > best.n) best = entry;
  return best?.element;
}

export function lighthouseSpecs(bench: LighthouseBenchmarkConfig) {
  return bench.pages.flatMap((page) => PAGE_METRICS.map((m) => catalogueSpec(m, bench.name, page)));
}

/** Budget keys of perfgate.yml (and aliases) → metric. */
const BUDGET_METRICS: Record<string, LighthouseMetric> = {
  lcp: 'lcp',
  fcp: 'fcp',
  tbt: 'tbt',
  si: 'speed-index',
  'speed-index': 'speed-index',
  ttfb: 'ttfb',
  cls: 'cls',
  weight: 'weight',
  score: 'score',
};

/**
 * Absolute budgets of a lighthouse benchmark against head's medians (keyed by metric key), per
 * page. A `score` budget is a minimum; every other budget is a maximum. Pages without a median
 * (no successful run) get no check: the run's failure says why.
 */
export function checkLighthouseBudgets(
  bench: LighthouseBenchmarkConfig,
  headMedians: Record<string, number>,
): BudgetCheck[] {
  const checks: BudgetCheck[] = [];
  for (const [key, limit] of Object.entries(bench.budgets)) {
    const metric = BUDGET_METRICS[key];
    if (metric === undefined) {
      throw new RangeError(
        `benchmarks "${bench.name}": budgets.${key} is not a Lighthouse budget; expected one of ${Object.keys(BUDGET_METRICS).join(', ')}`,
      );
    }
    if (!Number.isFinite(limit)) {
      throw new RangeError(
        `benchmarks "${bench.name}": budgets.${key} is ${limit}; expected a finite number`,
      );
    }
    const spec = PAGE_METRICS.find((m) => m.metric === metric)!;
    for (const page of bench.pages) {
      const value = headMedians[metricKey(bench.name, page, metric)];
      if (value === undefined) continue;
      checks.push({
        benchmark: bench.name,
        target: page,
        metric,
        unit: spec.unit,
        limit,
        value,
        exceeded: budgetExceeded(spec.better, value, limit),
      });
    }
  }
  return checks;
}

interface SideServer {
  origin: string;
  stop(): Promise<void>;
  assertAlive(): void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A probe measuring every page of `bench` on one side per call. Servers start on a side's first
 * measure() (a static file server for `serve`, the project's command for `server`) and stop on
 * dispose(). Chrome belongs to the caller: launched once per run, closed after every probe.
 */
export function createLighthouseProbe(
  bench: LighthouseBenchmarkConfig,
  options: LighthouseProbeOptions,
): LighthouseProbe {
  if ((bench.serve === undefined) === (bench.server === undefined)) {
    throw new RangeError(
      `benchmarks "${bench.name}": exactly one of serve and start must be set, got ${bench.serve === undefined ? 'neither' : 'both'}`,
    );
  }
  if (bench.pages.length === 0) {
    throw new RangeError(`benchmarks "${bench.name}": pages is empty; expected at least one page`);
  }
  const specs = lighthouseSpecs(bench);
  const runs: LighthouseRun[] = [];
  const servers: Partial<Record<Side, Promise<SideServer>>> = {};
  let lighthouseVersion: string | undefined;
  let disposed = false;
  let running: Promise<unknown> = Promise.resolve();
  const config =
    bench.preset === 'desktop'
      ? options.lighthouse.desktopConfig
      : options.lighthouse.defaultConfig;

  async function startSide(side: Side): Promise<SideServer> {
    const tree = options.trees[side];
    if (bench.serve !== undefined) {
      const server: StaticServer = await startStaticServer(join(tree.dir, bench.serve));
      return { origin: server.origin, stop: () => server.close(), assertAlive: () => {} };
    }
    const s = bench.server!;
    const server: RunningServer = await startServer({
      command: s.start,
      cwd: join(tree.dir, s.cwd),
      env: s.env,
      ...(s.ready !== undefined ? { ready: s.ready } : {}),
      readyTimeoutMs: s.readyTimeoutMs,
      side,
      name: bench.name,
      ...(options.onServerOutput
        ? { onOutput: (text: string) => options.onServerOutput!(side, text) }
        : {}),
    });
    return {
      origin: server.url,
      stop: () => server.stop(),
      assertAlive: () => server.assertAlive(),
    };
  }

  async function runPage(side: Side, round: number, server: SideServer, page: string) {
    const url = pageUrl(server.origin, page);
    const data = { benchmark: bench.name, side, page, url };
    const where = `benchmark "${bench.name}", ${side} side, page ${page} (${url})`;
    if (options.chrome.running?.() === false) {
      throw new LighthouseProbeError(
        `${where}: Chrome has exited; it must stay up for the whole run.\n${options.chrome.stderrTail?.() ?? ''}`.trim(),
        { ...data, reason: 'chrome-exited' },
      );
    }
    // A server that died shows up as a failed page load: name the real cause.
    const throwIfServerExited = () => {
      try {
        server.assertAlive();
      } catch (exit) {
        throw new LighthouseProbeError(
          `${where}: the server exited: ${errorText(exit)}`,
          { ...data, reason: 'server-exited' },
          { cause: exit },
        );
      }
    };
    throwIfServerExited();
    const started = performance.now();
    let lhr: LighthouseResult | undefined;
    try {
      const result = await options.lighthouse.default(
        url,
        { ...LIGHTHOUSE_FLAGS, ...options.flags, port: options.chrome.port, hostname: '127.0.0.1' },
        config,
      );
      lhr = result?.lhr;
    } catch (error) {
      throwIfServerExited();
      const reason = options.chrome.running?.() === false ? 'chrome-exited' : 'runtime-error';
      throw new LighthouseProbeError(
        `${where}: Lighthouse failed: ${errorText(error)}`,
        { ...data, reason, code: (error as { code?: string }).code },
        { cause: error },
      );
    }
    if (lhr === undefined) {
      throw new LighthouseProbeError(`${where}: Lighthouse returned no result`, {
        ...data,
        reason: 'runtime-error',
      });
    }
    if (lhr.runtimeError !== undefined) {
      throwIfServerExited();
      throw new LighthouseProbeError(
        `${where}: Lighthouse could not measure the page: ${lhr.runtimeError.message} (${lhr.runtimeError.code})`,
        { ...data, reason: 'runtime-error', code: lhr.runtimeError.code },
      );
    }
    let metrics: Record<LighthouseMetric, number>;
    try {
      metrics = metricsOf(lhr);
    } catch (error) {
      throw new LighthouseProbeError(`${where}: ${errorText(error)}`, {
        ...data,
        reason: 'no-metric',
      });
    }
    lighthouseVersion ??= lhr.lighthouseVersion;
    const audits: LighthouseRun['audits'] = {};
    for (const id of EVIDENCE_AUDITS) {
      const audit = lhr.audits[id];
      if (audit !== undefined) audits[id] = snapshotAudit(audit, server.origin);
    }
    const run: LighthouseRun = {
      side,
      round,
      page,
      url,
      metrics,
      audits,
      resources: resourcesOf(lhr, server.origin),
      warnings: [...(lhr.runWarnings ?? [])],
      durationMs: performance.now() - started,
    };
    const lcpElement = lcpElementOf(lhr.audits['largest-contentful-paint-element']);
    if (lcpElement !== undefined) run.lcpElement = lcpElement;
    return run;
  }

  async function measure(side: Side, round: number): Promise<Observation> {
    if (disposed) throw new Error(`benchmark "${bench.name}": probe already disposed`);
    if (servers[side] === undefined) {
      const starting = startSide(side);
      servers[side] = starting;
      // A server that failed to start may be retried by the next round.
      starting.catch(() => {
        if (servers[side] === starting) delete servers[side];
      });
    }
    const server = await servers[side]!;
    const obs: Observation = {};
    const measured: LighthouseRun[] = [];
    for (const page of bench.pages) {
      const run = await runPage(side, round, server, page);
      measured.push(run);
      for (const m of PAGE_METRICS) {
        obs[metricKey(bench.name, page, m.metric)] = run.metrics[m.metric];
      }
    }
    // Only whole rounds count as evidence, like the observations the sampler keeps.
    runs.push(...measured);
    return obs;
  }

  return {
    benchmark: bench.name,
    specs,
    measure(side, round) {
      // One Chrome, one run at a time: concurrent runs would disturb each other's timings.
      const next = running.then(
        () => measure(side, round),
        () => measure(side, round),
      );
      running = next.catch(() => {});
      return next;
    },
    runs: () => structuredClone(runs),
    async evidence(): Promise<LighthouseEvidence> {
      return {
        kind: 'lighthouse',
        benchmark: bench.name,
        preset: bench.preset,
        server: bench.serve !== undefined ? 'static' : 'command',
        ...(lighthouseVersion !== undefined ? { lighthouseVersion } : {}),
        pages: bench.pages.map((page) => {
          const base = runs.filter((r) => r.page === page && r.side === 'base');
          const head = runs.filter((r) => r.page === page && r.side === 'head');
          const lcpElement: LighthousePageEvidence['lcpElement'] = {};
          const baseLcp = typicalLcpElement(base);
          const headLcp = typicalLcpElement(head);
          if (baseLcp) lcpElement.base = baseLcp;
          if (headLcp) lcpElement.head = headLcp;
          return {
            page,
            metrics: Object.fromEntries(
              PAGE_METRICS.map((m) => [m.metric, metricKey(bench.name, page, m.metric)]),
            ) as Record<LighthouseMetric, string>,
            runs: { base: base.length, head: head.length },
            worse: worseAudits(base, head),
            lcpElement,
            warnings: [...new Set([...base, ...head].flatMap((r) => r.warnings))],
          };
        }),
      };
    },
    async dispose() {
      disposed = true;
      await running;
      const started = Object.values(servers);
      const results = await Promise.allSettled(
        started.map(async (pending) => {
          const server = await pending.catch(() => undefined);
          await server?.stop();
        }),
      );
      for (const key of Object.keys(servers) as Side[]) delete servers[key];
      const failed = results.find((r) => r.status === 'rejected');
      if (failed?.status === 'rejected') throw failed.reason;
    },
  };
}
