// The PR comment: one pure function from a Result to Markdown, kept under the comment size
// limit by the staged shortening (staged.ts). The job summary (summary.ts) is the same renderer
// with everything in it.
import type { Result } from '../result.js';
import { COMMENT_MAX_LENGTH } from './comment-marker.js';
import { type ContextOptions, checkMaxLength, type Layout, resolveContext } from './context.js';
import { type RenderedReport, renderStaged } from './staged.js';

export interface MarkdownOptions extends ContextOptions {
  /** Upper bound of the body's length in UTF-16 code units (≥ GitHub's character count). */
  maxLength?: number;
}

const COMMENT_LAYOUT: Layout = {
  charts: 5,
  chartPoints: 200,
  unchangedDetails: true,
  mdeDetails: true,
  rowLimit: Number.POSITIVE_INFINITY,
  itemLimit: Number.POSITIVE_INFINITY,
  fileRows: 20,
  nameLimit: 120,
  textLimit: 1000,
};

function commentElsewhere(link: string | undefined, artifact: string | undefined): string {
  const summary = link ? `the [job summary](${link})` : 'the job summary';
  return artifact ? `${summary} and the artifact ${artifact}` : summary;
}

/** The PR comment body and the stage it had to be shortened to. */
export function renderComment(result: Result, options: MarkdownOptions = {}): RenderedReport {
  const maxLength = checkMaxLength(options.maxLength ?? COMMENT_MAX_LENGTH);
  const ctx = resolveContext(result, options, commentElsewhere);
  return renderStaged(ctx, { maxLength, measure: (body) => body.length, full: COMMENT_LAYOUT });
}

/** The PR comment body, under `maxLength` (default 65,000) characters. */
export function renderMarkdown(result: Result, options: MarkdownOptions = {}): string {
  return renderComment(result, options).body;
}
