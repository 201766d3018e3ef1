// What one render of the comment or the summary works from: the options, validated once
// (`resolveContext`), the layout that says how much a stage may include, and a memo of rendered
// cells that every stage of one render reuses.
import type { Comparison, Result } from '../result.js';
import { isOneSided } from './bundle-files.js';
import { checkReportId } from './comment-marker.js';
import { ReportOptionError } from './errors.js';
import { escapeMarkdown, truncate } from './escape.js';
import type { FindingLines, TargetFinding } from './findings.js';
import { sortComparisons } from './statuses.js';

/** The smallest limit under which the minimal body is guaranteed to fit. */
export const MIN_MAX_LENGTH = 2_000;

/** Options shared by the comment and the summary. */
export interface ContextOptions {
  /** Names this report among several on one PR (a matrix shard); shown in the title. */
  reportId?: string;
  /** Link to the full report (the workflow run's summary); http(s) only. */
  detailsUrl?: string;
  /** Name of the uploaded result artifact, for "the full report is in …". */
  artifactName?: string;
  /** A caution the reader must see whatever is cut (a fork's result is only as trustworthy as
   *  its code): shown under the title in every stage, the minimal one included. */
  caveat?: string;
}

export interface Layout {
  /** Largest number of charts (regressed metrics); 0 for none. */
  charts: number;
  chartPoints: number;
  unchangedDetails: boolean;
  mdeDetails: boolean;
  /** Largest number of rows per table (metrics, budgets, smallest detectable changes). */
  rowLimit: number;
  /** Largest number of entries per list (fixes, pieces of evidence, notes). */
  itemLimit: number;
  /** Largest number of added and removed files listed (the JSON has every one). */
  fileRows: number;
  /** Code points per name (benchmark, target, metric, ref) and per text (advice, note). */
  nameLimit: number;
  textLimit: number;
  /** Why the body is shorter than the full report, when it is. */
  shortened?: string;
}

export interface Context {
  result: Result;
  /** The name shown in the title, unescaped. */
  reportId: string | undefined;
  detailsUrl: string | undefined;
  artifactName: string | undefined;
  /** Escaped Markdown naming where the full report is. */
  elsewhere: string;
  /** Escaped, as a quote block; shown in every stage. */
  caveat: string | undefined;
  /** Rendered table cells and the sorted lists, reused by every stage of one render. */
  memo: {
    sorted?: Comparison[];
    findings?: FindingLines;
    targets?: TargetFinding[];
    metric: WeakMap<object, string[]>;
    mde: WeakMap<object, string[]>;
    budget: WeakMap<object, string[]>;
  };
}

export function remember<V>(map: WeakMap<object, V>, key: object, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The metrics in the tables: files on one side only have their own section. */
export function sortedComparisons(ctx: Context): Comparison[] {
  ctx.memo.sorted ??= sortComparisons(ctx.result.comparisons.filter((c) => !isOneSided(c)));
  return ctx.memo.sorted;
}

/** Options shared by the comment and the summary, validated once. */
export function resolveContext(
  result: Result,
  options: ContextOptions,
  elsewhere: (link: string | undefined, artifact: string | undefined) => string,
): Context {
  if (options.reportId !== undefined) checkReportId(options.reportId, 'reportId');
  let detailsUrl: string | undefined;
  if (options.detailsUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.detailsUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new ReportOptionError('detailsUrl', options.detailsUrl, 'an absolute http(s) URL');
    }
    // Parentheses would end the Markdown link target early.
    detailsUrl = url.href.replaceAll('(', '%28').replaceAll(')', '%29');
  }
  if (options.artifactName !== undefined && typeof options.artifactName !== 'string') {
    throw new ReportOptionError('artifactName', options.artifactName, 'a string');
  }
  const artifactName = options.artifactName
    ? escapeMarkdown(truncate(options.artifactName, 100))
    : undefined;
  return {
    result,
    reportId: options.reportId ?? result.reportId,
    detailsUrl,
    artifactName,
    elsewhere: elsewhere(detailsUrl, artifactName),
    caveat:
      options.caveat === undefined
        ? undefined
        : `> ⚠️ ${escapeMarkdown(truncate(options.caveat, 600)).replace(/\n/g, ' ')}`,
    memo: { metric: new WeakMap(), mde: new WeakMap(), budget: new WeakMap() },
  };
}

export function checkMaxLength(maxLength: unknown, option = 'maxLength'): number {
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < MIN_MAX_LENGTH) {
    throw new ReportOptionError(option, maxLength, `an integer of at least ${MIN_MAX_LENGTH}`);
  }
  return maxLength;
}
