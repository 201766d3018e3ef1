// Names shared by action.yml, the action's code, the README and the workflows: inputs and
// outputs are spelled once here, never as bare strings elsewhere (actions/cache style).

export const INPUT = {
  config: 'config',
  mode: 'mode',
  githubToken: 'github-token',
  base: 'base',
  timeBudget: 'time-budget',
  threshold: 'threshold',
  comment: 'comment',
  checkRun: 'check-run',
  failOn: 'fail-on',
  reportId: 'report-id',
  runId: 'run-id',
  workingDirectory: 'working-directory',
  baseline: 'baseline',
  creepDays: 'creep-days',
  shard: 'shard',
  sizeCache: 'size-cache',
  acceptLabel: 'accept-label',
} as const;

export type InputName = (typeof INPUT)[keyof typeof INPUT];

export const OUTPUT = {
  verdict: 'verdict',
  regressions: 'regressions',
  resultPath: 'result-path',
  commentId: 'comment-id',
  checkRunId: 'check-run-id',
  artifactId: 'artifact-id',
  markdown: 'markdown',
} as const;

export type OutputName = (typeof OUTPUT)[keyof typeof OUTPUT];

export const ACTION_MODES = ['compare', 'collect', 'report', 'record', 'trend', 'merge'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

export const COMMENT_POLICIES = ['always', 'on-change', 'never'] as const;
export type CommentPolicy = (typeof COMMENT_POLICIES)[number];

export const FAIL_ON = ['regression', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** `auto`: compare uses the stored baseline of the merge-base when every benchmark is a bundle
 *  benchmark; `never`: always measure the base in the job. */
export const BASELINE_POLICIES = ['auto', 'never'] as const;
export type BaselinePolicy = (typeof BASELINE_POLICIES)[number];

export const DEFAULT_REPORT_ID = 'default';

/** The label a maintainer adds to a pull request to accept its regressions (input `accept-label`). */
export const DEFAULT_ACCEPT_LABEL = 'perfgate: accept';

/** The result JSON inside every artifact perfgate uploads. */
export const RESULT_FILE_NAME = 'perfgate-result.json';

/** The artifact every measuring run uploads; `report` mode downloads it by this name. */
export function resultArtifactName(reportId: string): string {
  return `perfgate-result-${reportId}`;
}

/** The artifact `record` uploads for one commit of the default branch. */
export function baselineArtifactName(sha: string, reportId: string = DEFAULT_REPORT_ID): string {
  return reportId === DEFAULT_REPORT_ID
    ? `perfgate-baseline-${sha}`
    : `perfgate-baseline-${reportId}-${sha}`;
}

/** The label of the nightly trend's tracking issue; the issue is found by it and its marker. */
export const TRACKING_LABEL = 'perfgate: regression';

/** The nightly trend's history file, inside its artifact and on the runner. */
export const SERIES_FILE_NAME = 'perfgate-history.json';

/** The artifact holding the nightly trend's history file, one per report id. */
export function seriesArtifactName(reportId: string): string {
  return reportId === DEFAULT_REPORT_ID ? 'perfgate-history' : `perfgate-history-${reportId}`;
}

/** The check run's name; one per report id so that several reports on one PR do not collide. */
export function checkRunName(reportId: string): string {
  return reportId === DEFAULT_REPORT_ID ? 'perfgate' : `perfgate (${reportId})`;
}

/** GitHub rejects check run output summaries and texts longer than this (characters). */
export const MAX_CHECK_TEXT_CHARS = 65_535;
