// The evidence of a Lighthouse benchmark: per page, the audits that got worse from base to head
// (medians over the runs of each side, past noise floors) and the typical LCP element. Pure.

import type { Side } from '../../model.js';
import type {
  AuditItem,
  AuditSnapshot,
  EvidenceAudit,
  LcpElement,
  LighthouseMetric,
} from './extract.js';
import { EVIDENCE_AUDITS } from './extract.js';

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
export function typicalLcpElement(runs: LighthouseRun[]): LcpElement | undefined {
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
