// The whole test suite, as the README and .ci/run call it (`npm ci && npm test`): what the
// machine lacks provisioned first (scripts/provision.ts: Chromium and git, from the
// distribution's packages when this user may install them, else a stop before any test with the
// one command that would), then static checks (lint, types, generated files fresh), then every
// vitest file. Prints the closing line "N passed, N failed" that CI reads.
//
// Flags: --no-install (never install; say the command), --provision-only (stop once the machine
// is ready), --chrome-candidates=PATHS (where Chrome is looked for besides CHROME_PATH and PATH,
// colon-separated, empty for nowhere; the provisioning test's seam).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const flags = process.argv.slice(2);
const candidatesFlag = flags.find((f) => f.startsWith('--chrome-candidates='));
const unknown = flags.filter(
  (f) => f !== '--no-install' && f !== '--provision-only' && f !== candidatesFlag,
);
if (unknown.length > 0) {
  console.error(
    `Unknown flag ${unknown[0]}; expected --no-install, --provision-only or --chrome-candidates=PATHS`,
  );
  process.exit(2);
}
const { provision } = await tsImport('./provision.ts', import.meta.url);
const provisioned = provision({
  env: process.env,
  install: !flags.includes('--no-install'),
  log: (line) => console.log(line),
  ...(candidatesFlag !== undefined
    ? {
        chromeCandidates: candidatesFlag
          .slice('--chrome-candidates='.length)
          .split(':')
          .filter(Boolean),
      }
    : {}),
});
if (!provisioned.ready) {
  console.error(provisioned.message);
  process.exit(1);
}
// The tests launch the Chrome that was found (or installed), whatever their own defaults.
Object.assign(process.env, provisioned.env);
console.log(
  `Machine ready: Chrome at ${provisioned.env.CHROME_PATH}${provisioned.installed.length ? ` (installed ${provisioned.installed.join(', ')})` : ''}`,
);
if (flags.includes('--provision-only')) process.exit(0);

const node = process.execPath;
const bin = (name) => `node_modules/.bin/${name}`;
const failures = [];

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const { status, error } = spawnSync(command, args, { stdio: 'inherit' });
  if (error || status !== 0) failures.push(title);
}

function generatedFresh(title, paths) {
  const { stdout } = spawnSync('git', ['status', '--porcelain', '--', ...paths], {
    encoding: 'utf8',
  });
  if (stdout.trim()) {
    console.error(`${title} is stale: regenerate and commit it.\n${stdout}`);
    failures.push(`${title} fresh`);
  }
}

step('lint and format (biome)', bin('biome'), ['check', '.']);
step('types (tsc)', bin('tsc'), ['--noEmit']);
step('build dist/', node, ['scripts/build.mjs']);
generatedFresh('dist/', ['dist']);
if (existsSync('scripts/gen-schema.ts')) {
  step('JSON Schema', bin('tsx'), ['scripts/gen-schema.ts']);
  generatedFresh('schema/', ['schema']);
}
if (existsSync('scripts/gen-readme.ts')) {
  step('README inputs table', bin('tsx'), ['scripts/gen-readme.ts', '--check']);
}

// Two runs: every file but test/integration/ two at a time, then test/integration/ one file at
// a time. Those files hold slow benchmarks end to end (a 5 s command, Lighthouse) in fixed time
// budgets that fit a handful of pairs on an idle runner: beside another file's servers and
// Chromium on the same two cores, a pair takes twice as long and the budget fits too few.
const reports = ['build/vitest-report.json', 'build/vitest-integration.json'];
for (const report of reports) rmSync(report, { force: true });
step('tests (vitest)', bin('vitest'), [
  'run',
  '--exclude',
  'test/integration/**',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reports[0]}`,
]);
step('tests (vitest, test/integration one file at a time)', bin('vitest'), [
  'run',
  'test/integration/',
  '--no-file-parallelism',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reports[1]}`,
]);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const report of reports) {
  if (!existsSync(report)) continue;
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
failed += failures.filter((f) => !f.startsWith('tests (vitest')).length;
if (failures.length) console.error(`\nFailed: ${failures.join('; ')}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length ? 1 : 0);
