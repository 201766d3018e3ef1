// The job summary: the full report (every row, every chart of a regressed metric, the
// per-metric smallest detectable change), with the same renderer as the PR comment.
// GitHub caps a step summary at 1 MiB; the same staged shortening keeps it under that.
import type { Result } from '../result.js';
import { type ContextOptions, checkMaxLength, type Layout, resolveContext } from './context.js';
import { type RenderedReport, renderStaged } from './staged.js';

/** Bytes of UTF-8, a little below GitHub's 1 MiB step-summary limit. */
export const SUMMARY_MAX_BYTES = 1_000_000;

export interface SummaryOptions extends ContextOptions {
  /** Upper bound of the summary's size in UTF-8 bytes (default 1,000,000). */
  maxBytes?: number;
}

const SUMMARY_LAYOUT: Layout = {
  charts: Number.POSITIVE_INFINITY,
  chartPoints: 500,
  unchangedDetails: true,
  mdeDetails: true,
  rowLimit: Number.POSITIVE_INFINITY,
  itemLimit: Number.POSITIVE_INFINITY,
  fileRows: Number.POSITIVE_INFINITY,
  // The result schema's own limits: nothing valid is cut.
  nameLimit: 1000,
  textLimit: 4000,
};

function summaryElsewhere(_link: string | undefined, artifact: string | undefined): string {
  return artifact ? `the artifact ${artifact}` : 'the JSON result';
}

/** The job-summary Markdown and the stage it had to be shortened to (normally `full`). */
export function renderSummaryReport(result: Result, options: SummaryOptions = {}): RenderedReport {
  const maxLength = checkMaxLength(options.maxBytes ?? SUMMARY_MAX_BYTES, 'maxBytes');
  const ctx = resolveContext(result, options, summaryElsewhere);
  return renderStaged(ctx, {
    maxLength,
    measure: (body) => Buffer.byteLength(body, 'utf8'),
    full: SUMMARY_LAYOUT,
  });
}

export function renderSummary(result: Result, options: SummaryOptions = {}): string {
  return renderSummaryReport(result, options).body;
}
