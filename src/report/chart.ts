// Per-round samples of one metric as a Mermaid `xychart-beta` that GitHub renders:
// one line for base, one for head, over the rounds in the order they ran.
import type { Comparison } from '../result.js';
import { escapeMarkdown, mermaidText, truncate } from './escape.js';
import { unitKind } from './format.js';

/** GitHub's own blue and red, so the two lines differ in light and dark mode. */
const BASE_COLOR = '#0969da';
const HEAD_COLOR = '#cf222e';

/** The opening lines of a Mermaid xy chart whose first line is blue and second red; `more`
 *  colours the lines after them (a reference line). */
export function xyChartStart(...more: `#${string}`[]): string[] {
  return [
    '```mermaid',
    '---',
    'config:',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${[BASE_COLOR, HEAD_COLOR, ...more].join(', ')}"`,
    '---',
    'xychart-beta',
  ];
}

/** Four significant digits, never exponent notation (Mermaid's number grammar has none). */
export function chartNumber(value: number): string {
  if (!Number.isFinite(value) || value === 0) return '0';
  const decimals = Math.max(0, Math.min(6, 3 - Math.floor(Math.log10(Math.abs(value)))));
  const text = value.toFixed(decimals);
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/** Every `step`-th entry, so long runs stay readable and bounded in size. */
function thin(values: readonly number[], step: number): number[] {
  return values.filter((_, i) => i % step === 0);
}

/** `api · GET /orders · p50`, each part cut to `limit` code points. */
function comparisonLabel(
  c: Pick<Comparison, 'benchmark' | 'target' | 'metric'>,
  limit = 120,
): string {
  return [c.benchmark, c.target, c.metric]
    .filter((part) => part !== undefined)
    .map((part) => truncate(part, limit))
    .join(' · ');
}

/**
 * Markdown for one chart: a caption (escaped Markdown) and a fenced Mermaid block whose
 * only free text went through `mermaidText`. Empty when there are fewer than two rounds.
 */
export function renderSampleChart(c: Comparison, maxPoints = 200, nameLimit = 120): string {
  const rounds = Math.max(c.samples.base.length, c.samples.head.length);
  if (rounds < 2) return '';
  const step = Math.max(1, Math.ceil(rounds / Math.max(2, maxPoints)));
  const kind = unitKind(c.unit);
  // Fractions plot as percent so the axis reads like the table.
  const scale = kind === 'fraction' ? 100 : 1;
  const axisUnit = kind === 'fraction' ? '%' : c.unit.trim();
  const series = (values: readonly number[]) =>
    `[${thin(values, step)
      .map((v) => chartNumber(v * scale))
      .join(', ')}]`;

  const xAxis =
    step === 1
      ? `x-axis "round" 1 --> ${rounds}`
      : `x-axis "round (1 in ${step})" [${thin(
          Array.from({ length: rounds }, (_, i) => i + 1),
          step,
        ).join(', ')}]`;
  const yLabel = mermaidText(axisUnit, 32) || 'value';
  const caption =
    `**${escapeMarkdown(comparisonLabel(c, nameLimit))}** (${escapeMarkdown(axisUnit || 'value')}): ` +
    `base in blue, head in red, one point per round${step === 1 ? '' : ` (1 round in ${step} shown)`}`;

  return [
    caption,
    '',
    ...xyChartStart(),
    `  title "${mermaidText(comparisonLabel(c, 80).replaceAll(' · ', ' '))}"`,
    `  ${xAxis}`,
    `  y-axis "${yLabel}"`,
    `  line ${series(c.samples.base)}`,
    `  line ${series(c.samples.head)}`,
    '```',
  ].join('\n');
}
