// The nightly trend's tracking issue, in pure code: what one night says (TrendNight, from the
// trend result and the history), the issue's hidden state (the regressions it tracks, kept in
// its body so that the next night needs nothing else), the decision (open, update, comment,
// close or nothing) and the Markdown of the issue and its comments.
import { z } from 'zod';
import type { Result } from '../result.js';
import { chartNumber, xyChartStart } from './chart.js';
import { COMMENT_MAX_LENGTH, checkReportId } from './comment-marker.js';
import { escapeInlineMarkdown, escapeMarkdown, escapeTableCell, mermaidText } from './escape.js';
import { formatChange, formatInterval, formatValue, unitKind } from './format.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const sha = z.string().regex(/^[0-9a-f]{7,64}$/);
const text = z.string().max(1000);

const trackedMetricSchema = z.object({
  key: text,
  label: text,
  unit: z.string().max(32),
  better: z.enum(['lower', 'higher']),
  scale: z.enum(['ratio', 'difference', 'exact']),
  threshold: finite,
  /** The level before the change (the previous nightly's median) and after it. */
  before: finite,
  after: finite,
  change: finite,
  ci: z.tuple([finite, finite]),
});

const trackedRegressionSchema = z.object({
  /** The culprit's commit, or `base..head` when the bisect named none. */
  id: z.string().max(200),
  foundOn: sha,
  foundAt: z.string().max(40),
  range: z.object({ base: sha, head: sha }),
  culprit: z
    .object({
      sha,
      subject: text,
      author: text,
      pullRequest: z.number().int().positive().optional(),
    })
    .nullable(),
  suspects: z.number().int().nonnegative(),
  steps: z
    .array(
      z.object({
        head: sha,
        outcome: z.enum(['regressed', 'unchanged', 'inconclusive', 'skipped']),
        change: finite.optional(),
      }),
    )
    .max(200),
  metrics: z.array(trackedMetricSchema).min(1).max(100),
});

const trackingStateSchema = z.object({
  version: z.literal(1),
  regressions: z.array(trackedRegressionSchema).max(50),
});

export type TrackedMetric = z.infer<typeof trackedMetricSchema>;
export type TrackedRegression = z.infer<typeof trackedRegressionSchema>;
export type TrackingState = z.infer<typeof trackingStateSchema>;

/** One run of the history file, as far as the issue reads it (history/series.ts SeriesRun). */
export interface HistoryRun {
  commit: string;
  date: string;
  metrics: Record<string, { median: number }>;
}

const MAX_STEPS = 20;
const MAX_METRICS = 20;
/** Regressions one issue tracks; older ones leave the state (and the recovery check). */
const MAX_TRACKED = 10;

/** What one nightly trend says, as the tracking issue needs it. */
export interface TrendNight {
  headSha: string;
  date: string;
  /** The regression confirmed tonight, if any. */
  regression?: TrackedRegression;
  /** Tonight's level (head's median) of every metric, by key. */
  levels: Record<string, number>;
  /** Earlier nights, oldest first (tonight is added from `levels`). */
  history: HistoryRun[];
}

/** The night a trend result describes. The culprit's pull request is the GitHub side's. */
export function trendNight(result: Result, history: readonly HistoryRun[] = []): TrendNight {
  const trend = result.trend;
  const nightly = result.comparisons.filter((c) => c.status === 'regressed');
  // Creep (the comparison with the commit of about 30 days back) counts when the night alone
  // showed nothing; the bisect then ran over its range.
  const creep = nightly.length === 0 ? trend?.creep : undefined;
  const regressed = creep ? creep.regressed : nightly;
  const rangeBase = creep ? creep.base.sha : trend?.base.sha;
  const levels = Object.fromEntries(result.comparisons.map((c) => [c.key, c.head.median]));
  const night: TrendNight = {
    headSha: result.head.sha,
    date: result.startedAt,
    levels,
    history: history.filter((run) => run.commit !== result.head.sha),
  };
  if (regressed.length === 0 || !trend) return night;
  const culprit = trend.culprit;
  night.regression = {
    id: culprit?.sha ?? `${rangeBase}..${trend.head.sha}`,
    foundOn: result.head.sha,
    foundAt: result.startedAt,
    range: { base: rangeBase ?? trend.base.sha, head: trend.head.sha },
    culprit: culprit
      ? {
          sha: culprit.sha,
          subject: culprit.subject,
          author: culprit.author,
          ...(culprit.pullRequest ? { pullRequest: culprit.pullRequest } : {}),
        }
      : null,
    suspects: trend.suspects?.length ?? 0,
    // Bounded, since the state travels in the issue's body: a bisect of a night's commits takes
    // a few steps; a 12-character id names a commit well enough to show.
    steps: trend.steps.slice(0, MAX_STEPS).map((s) => ({
      head: s.head.slice(0, 12),
      outcome: s.outcome,
      ...(s.metric ? { change: s.metric.change } : {}),
    })),
    metrics: regressed.slice(0, MAX_METRICS).map((c) => ({
      key: c.key,
      label: [c.benchmark, c.target, c.metric].filter((p) => p !== undefined).join(' · '),
      unit: c.unit,
      better: c.better,
      scale: c.scale,
      threshold: c.threshold,
      before: c.base.median,
      after: c.head.median,
      change: c.change,
      ci: c.ci,
    })),
  };
  return night;
}

/** How much worse `level` is than `before`, on the metric's change scale (relative for ratio
 *  and exact metrics, absolute for difference metrics); negative when better. */
export function worsening(
  metric: Pick<TrackedMetric, 'better' | 'scale'>,
  before: number,
  level: number,
): number {
  const worse = metric.better === 'lower' ? level - before : before - level;
  return metric.scale === 'difference' ? worse : worse / Math.abs(before || 1);
}

export interface MetricLevel {
  metric: TrackedMetric;
  /** Tonight's level; undefined when tonight did not measure the metric. */
  level?: number;
  recovered: boolean;
}

export function metricLevels(state: TrackingState, night: TrendNight): MetricLevel[] {
  return state.regressions.flatMap((r) =>
    r.metrics.map((metric) => {
      const level = night.levels[metric.key];
      const recovered =
        level !== undefined && worsening(metric, metric.before, level) <= metric.threshold;
      return { metric, ...(level !== undefined ? { level } : {}), recovered };
    }),
  );
}

export type TrackingDecision =
  | { action: 'nothing'; reason: string }
  | { action: 'open'; state: TrackingState }
  | { action: 'update'; state: TrackingState }
  /** A new regression while the issue is open: a comment, and the body tracks it too. */
  | { action: 'comment'; state: TrackingState; added: TrackedRegression }
  | { action: 'close'; state: TrackingState; levels: MetricLevel[] };

/**
 * What to do with the tracking issue tonight. `existing` is undefined when no issue is open;
 * its state is undefined when the body's hidden state could not be read (edited by hand), and
 * such an issue is kept open and rewritten rather than closed on nothing.
 */
export function decideTracking(
  night: TrendNight,
  existing: { state: TrackingState | undefined } | undefined,
): TrackingDecision {
  const regression = night.regression;
  if (!existing) {
    if (!regression) return { action: 'nothing', reason: 'no regression confirmed tonight' };
    return { action: 'open', state: { version: 1, regressions: [regression] } };
  }
  const state = existing.state ?? { version: 1, regressions: [] };
  if (regression && !state.regressions.some((r) => r.id === regression.id)) {
    return {
      action: 'comment',
      state: { ...state, regressions: [...state.regressions, regression].slice(-MAX_TRACKED) },
      added: regression,
    };
  }
  const levels = metricLevels(state, night);
  if (levels.length > 0 && levels.every((l) => l.recovered)) {
    return { action: 'close', state, levels };
  }
  return { action: 'update', state };
}

/** The hidden marker at the start of the issue's body, one per report id. */
export function trackingMarker(reportId: string): string {
  return `<!-- perfgate-tracking:${checkReportId(reportId)} -->`;
}

// Base64 cannot contain `--` or `>`, so the state cannot end the HTML comment it sits in.
const STATE = /<!-- perfgate-state:([A-Za-z0-9+/=]{1,200000}) -->/;

function stateLine(state: TrackingState): string {
  return `<!-- perfgate-state:${Buffer.from(JSON.stringify(state)).toString('base64')} -->`;
}

/** The state hidden in an issue's body; undefined when absent or not what perfgate wrote. */
export function readTrackingState(body: string): TrackingState | undefined {
  const encoded = STATE.exec(body)?.[1];
  if (!encoded) return undefined;
  try {
    const parsed = trackingStateSchema.safeParse(
      JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface TrackingRenderOptions {
  reportId: string;
  /** Named in titles and headings unless it is the default one. */
  shownId?: string;
  runUrl?: string;
  /** Points of history per chart (default 60). */
  maxPoints?: number;
}

const short = (commit: string) => commit.slice(0, 7);

/** A plain-text title (titles render no Markdown escapes), at most 256 characters. */
export function trackingTitle(state: TrackingState, shownId?: string): string {
  const metrics = state.regressions.flatMap((r) => r.metrics);
  const first = metrics[0];
  const what = first
    ? `${first.label} ${formatChange(first.change, first.scale, first.unit)}${
        metrics.length > 1 ? ` and ${metrics.length - 1} more` : ''
      }`
    : 'tracking';
  const title = `perfgate: performance regression, ${what}${shownId ? ` (${shownId})` : ''}`;
  return title.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 256);
}

function culpritLine(r: TrackedRegression): string {
  if (r.culprit) {
    const pr = r.culprit.pullRequest ? `, merged in #${r.culprit.pullRequest}` : '';
    return `**Caused by** \`${short(r.culprit.sha)}\` ${escapeInlineMarkdown(
      `"${r.culprit.subject}" by ${r.culprit.author}`,
    )}${pr}.`;
  }
  return `**Not narrowed to one commit**: between \`${short(r.range.base)}\` and \`${short(r.range.head)}\`${
    r.suspects > 0 ? ` (${r.suspects} suspects; skipped builds or inconclusive steps)` : ''
  }.`;
}

function metricTable(r: TrackedRegression, night: TrendNight): string {
  const rows = r.metrics.map((m) => {
    const level = night.levels[m.key];
    const tonight =
      level === undefined
        ? 'not measured'
        : `${formatValue(level, m.unit)} (${
            worsening(m, m.before, level) <= m.threshold ? 'back within' : 'still over'
          } the threshold)`;
    return `| ${escapeTableCell(m.label)} | ${formatValue(m.before, m.unit)} | ${formatValue(m.after, m.unit)} | ${formatChange(m.change, m.scale, m.unit)} | ${formatInterval(m.ci, m.scale, m.unit)} | ${formatChange(m.threshold, m.scale, m.unit)} | ${tonight} |`;
  });
  return [
    '| metric | before | after | change | 95% CI | threshold | tonight |',
    '| --- | --: | --: | --: | --- | --: | --- |',
    ...rows,
  ].join('\n');
}

function bisectTable(r: TrackedRegression, maxSteps: number): string {
  if (r.steps.length === 0) return '';
  const shown = r.steps.slice(0, maxSteps);
  const rows = shown.map(
    (s, i) =>
      `| ${i + 1} | \`${short(s.head)}\` | ${s.outcome} | ${
        s.change === undefined
          ? '—'
          : formatChange(s.change, r.metrics[0]!.scale, r.metrics[0]!.unit)
      } |`,
  );
  const more =
    r.steps.length > shown.length
      ? `\n\n${r.steps.length - shown.length} more steps not shown.`
      : '';
  return [
    `<details><summary>Bisect: ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}</summary>`,
    '',
    '| step | commit | outcome | change |',
    '| --: | --- | --- | --: |',
    ...rows,
    more,
    '</details>',
  ].join('\n');
}

/** One regression's block: culprit, the metrics' change, the bisect. */
export function renderRegression(
  r: TrackedRegression,
  night: TrendNight,
  options: { maxSteps?: number } = {},
): string {
  return [
    `Found by the nightly of \`${short(r.foundOn)}\` (${escapeInlineMarkdown(r.foundAt.slice(0, 10))}).`,
    '',
    culpritLine(r),
    '',
    metricTable(r, night),
    '',
    bisectTable(r, options.maxSteps ?? 200),
  ].join('\n');
}

/**
 * The metric over the history as a Mermaid line chart, with the level before the change plus
 * the threshold as a second line and the first night after the change named on the x-axis.
 */
export function renderHistoryChart(
  metric: TrackedMetric,
  changedAt: string,
  night: TrendNight,
  maxPoints = 60,
): string {
  const points = [
    ...night.history.map((run) => ({ commit: run.commit, value: run.metrics[metric.key]?.median })),
    { commit: night.headSha, value: night.levels[metric.key] },
  ]
    .filter((p): p is { commit: string; value: number } => p.value !== undefined)
    .slice(-maxPoints);
  if (points.length < 2) return '';
  const percent = unitKind(metric.unit) === 'fraction' ? 100 : 1;
  const limit =
    metric.scale === 'difference'
      ? metric.before + (metric.better === 'lower' ? metric.threshold : -metric.threshold)
      : metric.before * (1 + (metric.better === 'lower' ? metric.threshold : -metric.threshold));
  const labels = points.map((p) =>
    p.commit === changedAt ? `"${short(p.commit)} change"` : `"${short(p.commit)}"`,
  );
  const line = (values: number[]) => `[${values.map((v) => chartNumber(v * percent)).join(', ')}]`;
  const axisUnit = percent === 100 ? '%' : metric.unit.trim();
  return [
    `**${escapeMarkdown(metric.label)}**: nightly level in blue, the level before the change plus the threshold in red; \`change\` marks the first night after it.`,
    '',
    ...xyChartStart(),
    `  title "${mermaidText(metric.label)}"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "${mermaidText(axisUnit, 32) || 'value'}"`,
    `  line ${line(points.map((p) => p.value))}`,
    `  line ${line(points.map(() => limit))}`,
    '```',
  ].join('\n');
}

/** The issue's title and body (marker first, hidden state last), within the comment limit. */
export function renderTrackingIssue(
  state: TrackingState,
  night: TrendNight,
  options: TrackingRenderOptions,
): { title: string; body: string } {
  const title = trackingTitle(state, options.shownId);
  // Shortened in stages: fewer bisect rows, then no charts, then the newest regression alone
  // (in the state too, which is only ever this large when edited by hand).
  const stages = [
    { maxSteps: 200, charts: true },
    { maxSteps: 5, charts: true },
    { maxSteps: 0, charts: false },
  ];
  for (const stage of stages) {
    const body = renderBody(state, night, options, stage);
    if (body.length <= COMMENT_MAX_LENGTH) return { title, body };
  }
  const newest = { ...state, regressions: state.regressions.slice(-1) };
  return { title, body: renderBody(newest, night, options, { maxSteps: 0, charts: false }) };
}

function renderBody(
  state: TrackingState,
  night: TrendNight,
  options: TrackingRenderOptions,
  stage: { maxSteps: number; charts: boolean },
): string {
  const shown = state.regressions;
  const levels = metricLevels(state, night);
  const over = levels.filter((l) => !l.recovered).length;
  const lines = [
    trackingMarker(options.reportId),
    `## 📉 Performance regression on the default branch${options.shownId ? ` (${escapeInlineMarkdown(options.shownId)})` : ''}`,
    '',
    'perfgate updates this issue after each nightly trend and closes it once every metric below is back within its threshold of the level before the change.',
  ];
  shown.forEach((r, i) => {
    lines.push('', `### ${shown.length > 1 ? `Regression ${i + 1}` : 'The regression'}`, '');
    lines.push(renderRegression(r, night, { maxSteps: stage.maxSteps }));
  });
  if (stage.charts) {
    const charts = shown
      .flatMap((r) => r.metrics.map((m) => renderHistoryChart(m, r.foundOn, night, 60)))
      .filter(Boolean)
      .slice(0, 6);
    if (charts.length > 0) lines.push('', '### History', '', charts.join('\n\n'));
  }
  lines.push(
    '',
    '### Latest night',
    '',
    `\`${short(night.headSha)}\` (${escapeInlineMarkdown(night.date.slice(0, 10))}): ${
      over === 0
        ? 'every metric is back within its threshold'
        : `${over} of ${levels.length} still over the threshold`
    }${options.runUrl ? ` ([workflow run](${options.runUrl}))` : ''}.`,
    '',
    stateLine(state),
  );
  return lines.join('\n');
}

/** The comment on an open issue when another regression is found. */
export function renderNewRegressionComment(
  r: TrackedRegression,
  night: TrendNight,
  options: TrackingRenderOptions,
): string {
  const body = [
    '### Another regression',
    '',
    renderRegression(r, night),
    options.runUrl ? `\n[Workflow run](${options.runUrl})` : '',
  ].join('\n');
  return body.length <= COMMENT_MAX_LENGTH
    ? body
    : ['### Another regression', '', renderRegression(r, night, { maxSteps: 0 })].join('\n');
}

/** The comment that closes the issue. */
export function renderRecoveryComment(
  levels: readonly MetricLevel[],
  night: TrendNight,
  options: TrackingRenderOptions,
): string {
  const rows = levels.map(
    ({ metric: m, level }) =>
      `- ${escapeMarkdown(m.label)}: ${formatValue(level ?? Number.NaN, m.unit)} tonight, ${formatValue(m.before, m.unit)} before the change (threshold ${formatChange(m.threshold, m.scale, m.unit)}).`,
  );
  return [
    `### ✅ Back within the threshold`,
    '',
    `The nightly of \`${short(night.headSha)}\` measured every tracked metric back within its threshold of the level before the change; closing.`,
    '',
    ...rows,
    options.runUrl ? `\n[Workflow run](${options.runUrl})` : '',
  ].join('\n');
}
