// Generates the README's tables from their one source, so they cannot drift: the action's
// inputs and outputs from action.yml (between `<!-- action-io:start -->` and
// `<!-- action-io:end -->`), the ranges of perfgate.yml's numbers from src/config/ranges.ts
// (between `<!-- config-ranges:start -->` and `<!-- config-ranges:end -->`), and every kind's
// metrics from the catalogues in src/kinds/ (between `<!-- metrics:start -->` and
// `<!-- metrics:end -->`).
// `--check` writes nothing and exits 1 when the README is stale (CI runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { RANGES, rangeText } from '../src/config/ranges.js';
import { CATALOGUES } from '../src/kinds/registry.js';

const ACTION_IO = { start: '<!-- action-io:start -->', end: '<!-- action-io:end -->' };
const CONFIG_RANGES = { start: '<!-- config-ranges:start -->', end: '<!-- config-ranges:end -->' };
const METRICS = { start: '<!-- metrics:start -->', end: '<!-- metrics:end -->' };

const COMPARED: Record<string, string> = {
  ratio: 'relative change, paired rounds',
  difference: 'absolute difference, paired rounds',
  exact: 'exactly (bytes do not vary)',
};

interface ActionYaml {
  inputs?: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs?: Record<string, { description?: string }>;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');
}

export function renderActionTables(actionYaml: string): string {
  const action = parse(actionYaml) as ActionYaml;
  const lines = ['#### Inputs', '', '| input | default | description |', '| --- | --- | --- |'];
  for (const [name, input] of Object.entries(action.inputs ?? {})) {
    const fallback =
      input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``;
    const shown = input.required ? '*required*' : fallback;
    lines.push(`| \`${name}\` | ${shown} | ${cell(input.description ?? '')} |`);
  }
  lines.push('', '#### Outputs', '', '| output | description |', '| --- | --- |');
  for (const [name, output] of Object.entries(action.outputs ?? {})) {
    lines.push(`| \`${name}\` | ${cell(output.description ?? '')} |`);
  }
  return lines.join('\n');
}

/** The range of every duration, percentage, size and plain number of perfgate.yml. */
export function renderRangeTable(): string {
  const lines = ['| field | range |', '| --- | --- |'];
  for (const range of Object.values(RANGES))
    lines.push(`| ${cell(range.fields)} | ${rangeText(range)} |`);
  return lines.join('\n');
}

/** Every metric of every kind, from the catalogues: what `gate.thresholds` and `budgets` name. */
export function renderMetricTable(): string {
  const lines = [
    '| kind | metric | what | unit | better | compared | budget key |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [kind, catalogue] of Object.entries(CATALOGUES)) {
    for (const e of catalogue) {
      const name = `\`${e.metric}\`${e.headline ? ' (headline)' : ''}`;
      const budget = e.budget ? `\`${e.budget.key}\`` : '—';
      lines.push(
        `| ${kind} | ${name} | ${cell(e.label)} | ${e.unit} | ${e.better} | ${COMPARED[e.scale]} | ${budget} |`,
      );
    }
  }
  return lines.join('\n');
}

function replaceRegion(
  readme: string,
  markers: { start: string; end: string },
  content: string,
): string {
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(
      `README.md needs the markers ${markers.start} and ${markers.end}, in that order`,
    );
  }
  return `${readme.slice(0, start + markers.start.length)}\n${content}\n${readme.slice(end)}`;
}

/** The README with the action's tables (`tables`) and the config's ranges regenerated. */
export function updateReadme(readme: string, tables: string): string {
  const withTables = replaceRegion(readme, ACTION_IO, tables);
  const withRanges = replaceRegion(withTables, CONFIG_RANGES, renderRangeTable());
  return replaceRegion(withRanges, METRICS, renderMetricTable());
}

function main(argv: string[]): number {
  const root = new URL('..', import.meta.url);
  // `--readme=PATH` points at another file (tests check the exit code on a stale copy).
  const readmeArg = argv.find((a) => a.startsWith('--readme='))?.slice('--readme='.length);
  const readmePath = readmeArg ?? fileURLToPath(new URL('README.md', root));
  const readme = readFileSync(readmePath, 'utf8');
  const next = updateReadme(
    readme,
    renderActionTables(readFileSync(new URL('action.yml', root), 'utf8')),
  );
  if (argv.includes('--check')) {
    if (next !== readme) {
      console.error(
        `${readmePath}: the inputs/outputs, config ranges or metrics table is stale; run \`npm run readme\` and commit it.`,
      );
      return 1;
    }
    console.log('README.md: the inputs/outputs, config ranges and metrics tables are fresh.');
    return 0;
  }
  if (next !== readme) writeFileSync(readmePath, next);
  console.log(
    next === readme ? 'README.md is up to date.' : 'README.md: generated tables updated.',
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
