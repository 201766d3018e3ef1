// Generates the README's table of action inputs and outputs from action.yml, between
// `<!-- action-io:start -->` and `<!-- action-io:end -->`, so the two cannot drift.
// `--check` writes nothing and exits 1 when the README is stale (CI runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const START = '<!-- action-io:start -->';
const END = '<!-- action-io:end -->';

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

/** The README with the region between the markers replaced by `tables`. */
export function updateReadme(readme: string, tables: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md needs the markers ${START} and ${END}, in that order`);
  }
  return `${readme.slice(0, start + START.length)}\n${tables}\n${readme.slice(end)}`;
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
        `${readmePath}: the inputs/outputs table is stale; run \`npm run readme\` and commit it.`,
      );
      return 1;
    }
    console.log('README.md: the inputs/outputs table matches action.yml.');
    return 0;
  }
  if (next !== readme) writeFileSync(readmePath, next);
  console.log(
    next === readme ? 'README.md is up to date.' : 'README.md: inputs/outputs table updated.',
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
