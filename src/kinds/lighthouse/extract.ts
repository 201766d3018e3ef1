// What the probe reads from one Lighthouse result (LHR): each page metric from its audit (the
// catalogue says which), the audits kept as evidence, the resources loaded and the LCP element.
import { PAGE_METRICS, type PageMetricEntry } from './catalogue.js';
import type { LighthouseAuditResult, LighthouseResult } from './loader.js';

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

/** The audit listing every request of a run: the resources loaded and the favicon's bytes. */
export const NETWORK_AUDIT = 'network-requests';
/** The audit naming the LCP element and its phases. */
export const LCP_ELEMENT_AUDIT = 'largest-contentful-paint-element';

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
const finiteOrUndefined = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x) ? x : undefined;

/** The path of a URL on `origin`; other URLs (third parties, `Unattributable`) as they are. */
export function siteUrl(url: string, origin: string): string {
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
  const items = lhr.audits[NETWORK_AUDIT]?.details?.items ?? [];
  const urls = new Set<string>();
  for (const item of items) if (typeof item.url === 'string') urls.add(siteUrl(item.url, origin));
  return [...urls];
}

/** The LCP element and its phases from the `largest-contentful-paint-element` audit. */
export function lcpElementOf(audit: LighthouseAuditResult | undefined): LcpElement | undefined {
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
  const items = lhr.audits[NETWORK_AUDIT]?.details?.items ?? [];
  let bytes = 0;
  for (const item of items) {
    const status = finiteOrUndefined(item.statusCode) ?? 0;
    const size = finiteOrUndefined(item.transferSize) ?? 0;
    if (item.resourceType === 'Other' && status >= 400) bytes += size;
  }
  return bytes;
}
