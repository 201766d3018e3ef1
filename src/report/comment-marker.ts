// How perfgate's PR comment is recognised and bounded: the report-id rule, the hidden marker
// built from it, and the comment's size limit. The action's inputs, the renderer, publishing
// and the comment look-up all use these, so an id accepted anywhere is accepted everywhere.
import { ReportOptionError } from './errors.js';

/**
 * A report id names artifacts (`perfgate-result-<id>`, no `/`), a directory under the runner's
 * temp (no leading `.`, so never `..`) and the marker, an HTML comment (no `--`).
 */
export const REPORT_ID = /^(?!.*--)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What a report id may be, as error messages say it. */
export const REPORT_ID_RULE =
  'up to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit, without `--`';

export function isReportId(value: unknown): value is string {
  return typeof value === 'string' && REPORT_ID.test(value);
}

export function checkReportId(reportId: unknown, option = 'reportId'): string {
  if (!isReportId(reportId)) throw new ReportOptionError(option, reportId, REPORT_ID_RULE);
  return reportId;
}

/**
 * The hidden marker by which the GitHub layer finds this report's comment again. Only a
 * restricted id can appear in it, and escaped text can never contain `<!--`, so a PR
 * cannot forge one.
 */
export function reportMarker(reportId: string): string {
  return `<!-- perfgate:${checkReportId(reportId)} -->`;
}

/**
 * Largest comment body perfgate posts, marker included, in UTF-16 code units (never fewer than
 * GitHub's characters). GitHub rejects bodies over 65,536 characters; this stays a little below.
 */
export const COMMENT_MAX_LENGTH = 65_000;

/** The body as posted: the marker on its own first line, then the report. */
export function markedBody(marker: string, markdown: string): string {
  return `${marker}\n${markdown}`;
}

/** Room left for the report itself once the marker and its newline are in front. */
export function commentRoom(marker: string): number {
  return COMMENT_MAX_LENGTH - markedBody(marker, '').length;
}
