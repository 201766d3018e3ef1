// `perfgate init`: a starter perfgate.yml from what the repository shows (init-detect.ts),
// checked by the real config loader before it is written, and the workflows that run it: the
// pull-request gate, and the nightly trend where something timed can drift. Never overwrites a
// file without --force; says what it found and what it guessed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseConfig } from '../config/load.js';
import { EXIT, getErrorMessage, UsageError } from '../errors.js';
import { detectProject, type Findings } from './init-detect.js';
import type { CliIo } from './io.js';

export interface InitOptions {
  /** Where perfgate.yml goes, relative to the repository. */
  config: string;
  force: boolean;
}

const PR_WORKFLOW = '.github/workflows/perfgate.yml';
const NIGHTLY_WORKFLOW = '.github/workflows/perfgate-nightly.yml';

const quote = (text: string) => JSON.stringify(text);

/** The starter perfgate.yml, with a short comment on each choice. */
export function renderConfig(f: Findings): string {
  const lines = ['# perfgate.yml, written by `perfgate init`: check the guesses, then commit it.'];
  if (f.build) lines.push(`build: ${quote(f.build)} # run in each tree (base and head)`);
  lines.push('benchmarks:');
  if (f.http) {
    lines.push(
      '  # Latency and throughput of routes under load; the server gets PORT in its environment.',
      '  - name: server',
      '    type: http',
      `    start: ${quote(f.http.start)}`,
      '    requests:',
      ...f.http.paths.map((path) => `      - { path: ${quote(path)} }`),
    );
  }
  if (f.bundle) {
    lines.push(
      '  # Raw, gzip and brotli sizes of the built files, compared exactly.',
      '  - name: bundle',
      '    type: bundle',
      `    files: [${f.bundle.map(quote).join(', ')}]`,
    );
  }
  const served = f.lighthouse?.serve ?? (f.http ? undefined : null);
  if (f.lighthouse && served !== null) {
    lines.push(
      '  # Web vitals in headless Chromium (the machine needs Chrome or Chromium).',
      '  - name: pages',
      '    type: lighthouse',
      served !== undefined ? `    serve: ${quote(served)}` : `    start: ${quote(f.http!.start)}`,
      `    pages: [${f.lighthouse.pages.map(quote).join(', ')}]`,
    );
  }
  if (f.command) {
    lines.push(
      "  # The project's own benchmarks, timed as one command (wall and CPU time).",
      '  - name: benchmarks',
      '    type: command',
      `    run: ${quote(f.command)}`,
    );
  }
  if (f.suite) {
    lines.push(
      '  # Your vitest benchmarks, each one compared on its own.',
      '  - name: micro',
      '    type: suite',
      `    run: ${quote(f.suite.run)}`,
      `    format: ${f.suite.format}`,
      `    output: ${quote(f.suite.output)}`,
    );
  }
  lines.push(
    'gate:',
    '  threshold: 5% # the smallest change that matters',
    '  time-budget: 5m # sampling time per run; longer resolves smaller changes',
  );
  return `${lines.join('\n')}\n`;
}

const CHECKOUT = `      - uses: actions/checkout@v5
        with:
          fetch-depth: 0 # the base commit must be in the clone
          persist-credentials: false # the PR's code must not find the token in .git/config`;
const NODE = `      - uses: actions/setup-node@v5
        with:
          node-version: 24`;

function configInput(config: string): string {
  return config === 'perfgate.yml' ? '' : `\n          config: ${quote(config)}`;
}

export function renderPullRequestWorkflow(config: string, node: boolean): string {
  return `# Written by \`perfgate init\`: each pull request measured against its merge-base; one
# comment updated in place, a check run named perfgate, and the report in the job summary.
name: perfgate
on: pull_request
permissions:
  contents: read
  pull-requests: write # the comment
  checks: write # the check run
jobs:
  perfgate:
    runs-on: ubuntu-latest
    steps:
${CHECKOUT}
${node ? `${NODE}\n` : ''}      - uses: perfgate/perfgate@v0
        with:
          time-budget: 5m${configInput(config)}
`;
}

export function renderNightlyWorkflow(config: string, node: boolean): string {
  return `# Written by \`perfgate init\`: the default branch each night against the previous night's
# commit; a confirmed regression is bisected and tracked in one issue.
name: perfgate (nightly)
on:
  schedule:
    - cron: "17 3 * * *"
  workflow_dispatch:
permissions:
  contents: read
  issues: write # the tracking issue and its label
  actions: read # the previous nights' history artifact
concurrency:
  group: perfgate-nightly
  cancel-in-progress: false
jobs:
  trend:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
${CHECKOUT.replace('the base commit must be in the clone', "the previous night's commit and the bisect's")}
${node ? `${NODE}\n` : ''}      - uses: perfgate/perfgate@v0
        with:
          mode: trend
          time-budget: 20m${configInput(config)}
`;
}

/** Writes the files, or refuses (exit 2) before writing any when one exists without --force. */
export function runInit(options: InitOptions, io: CliIo): number {
  const f = detectProject(io.cwd);
  if (!f.http && !f.bundle && !f.lighthouse && !f.command && !f.suite) {
    throw new UsageError(
      `perfgate init found nothing to measure in ${io.cwd}${f.found.length ? ` (it saw ${f.found.join('; ')})` : ''}`,
      'Expected a start or serve script, built output (dist/ or build/), static HTML, a size-limit or Lighthouse CI config, or benchmarks; write perfgate.yml by hand from the README.',
    );
  }
  const config = renderConfig(f);
  // The starter must be one the loader accepts: a failure here is perfgate's bug, not the user's.
  try {
    parseConfig(config, options.config);
  } catch (error) {
    io.stderr(`perfgate init wrote a config its own loader refuses:\n${getErrorMessage(error)}\n`);
    return EXIT.measurement;
  }
  const node = existsSync(join(io.cwd, 'package.json'));
  const timed = Boolean(f.http || f.lighthouse || f.command || f.suite);
  const files: Array<[string, string]> = [
    [options.config, config],
    [PR_WORKFLOW, renderPullRequestWorkflow(options.config, node)],
    // Sizes are exact and change only with commits the PR gate already saw: no nightly for them.
    ...(timed
      ? [[NIGHTLY_WORKFLOW, renderNightlyWorkflow(options.config, node)] as [string, string]]
      : []),
  ];
  const existing = files.map(([path]) => path).filter((path) => existsSync(join(io.cwd, path)));
  if (existing.length > 0 && !options.force) {
    throw new UsageError(
      `perfgate init would overwrite ${existing.join(', ')}; nothing was written`,
      'Run `perfgate init --force` to replace them.',
    );
  }
  for (const [path, text] of files) {
    const target = join(io.cwd, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  const list = (items: string[]) => items.map((item) => `  - ${item}\n`).join('');
  io.stdout(
    `perfgate init in ${io.cwd}\n` +
      `Found:\n${f.found.length ? list(f.found) : '  - nothing perfgate knows\n'}` +
      (f.guessed.length ? `Guessed (check these):\n${list(f.guessed)}` : '') +
      `Wrote:\n${list(files.map(([path]) => relative(io.cwd, join(io.cwd, path))))}` +
      'Next: review them, commit, and try `npx perfgate compare --base main` locally.\n',
  );
  return EXIT.pass;
}
