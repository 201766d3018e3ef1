// Lighthouse runs per minute: perfgate's loop vs `lhci collect`, same page, same machine.
//
//   npx tsx bench/lighthouse/run.ts [--batches 3] [--runs 10] [--site DIR] [--json FILE]
//
// A batch is what a CI job pays for `--runs` Lighthouse runs of one page, start-up included:
//  - perfgate: a fresh Node process (perfgate-batch.ts, bundled by esbuild with Lighthouse
//    external and run by plain `node`, as dist/ is) imports Lighthouse, launches one Chromium,
//    runs Lighthouse in-process `--runs` times against it (the probe's settings) and closes
//    Chromium. (Not through tsx: its loader hooks make importing Lighthouse's ~1,000 modules
//    take 2–3× longer, a cost perfgate's bundle does not have.)
//  - lhci: `lhci collect --numberOfRuns <runs>` as its CLI (one Node process and one Chrome per
//    run, as lhci works), with the SAME Lighthouse settings (desktop preset, performance only,
//    no full-page screenshot, no bf-cache audit) and the same Chrome flags, so the difference is
//    the loop, not the audits.
// Batches alternate perfgate, lhci, perfgate, lhci… (ABAB) so background load hits both alike.
// The page is served by perfgate's static server on loopback; Chrome never leaves loopback.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { CHROME_FLAGS, findChrome } from '../../src/kinds/lighthouse/chrome.js';
import { metricsOf } from '../../src/kinds/lighthouse/extract.js';
import type { LighthouseResult } from '../../src/kinds/lighthouse/loader.js';
import { startStaticServer } from '../../src/workspace/static-server.js';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '3' },
    runs: { type: 'string', default: '10' },
    site: { type: 'string', default: 'test/fixtures/lighthouse/render-blocking/head' },
    json: { type: 'string' },
  },
});
const batches = Number(args.batches);
const runs = Number(args.runs);
for (const [name, value] of [
  ['--batches', batches],
  ['--runs', runs],
] as const) {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
}

interface Batch {
  tool: 'perfgate' | 'lhci';
  runs: number;
  seconds: number;
  lcp: number[];
}

const chromePath = findChrome();

// The perfgate batch as perfgate ships: one bundle, Lighthouse external. Written under
// node_modules/.cache so that the bare `lighthouse` import resolves to this checkout's copy.
const bundleDir = resolve('node_modules/.cache/perfgate-bench');
const bundle = join(bundleDir, 'lighthouse-batch.mjs');
await mkdir(bundleDir, { recursive: true });
await build({
  entryPoints: [fileURLToPath(new URL('./perfgate-batch.ts', import.meta.url))],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['lighthouse'],
  logLevel: 'warning',
});

const site = await startStaticServer(resolve(args.site));
const url = `${site.origin}/`;
const work = await mkdtemp(join(tmpdir(), 'perfgate-bench-lighthouse-'));
// lhci's Chrome gets perfgate's flags, minus those chrome-launcher sets itself (port, headless).
const lhciChromeFlags = CHROME_FLAGS.filter(
  (f) => !f.startsWith('--remote-debugging') && !f.startsWith('--headless'),
).join(' ');

async function perfgateBatch(): Promise<Batch> {
  const started = performance.now();
  const output = await runCommand(process.execPath, [bundle, url, String(runs)], process.cwd());
  const seconds = (performance.now() - started) / 1000;
  const { lcp } = JSON.parse(output.trim().split('\n').pop()!) as { lcp: number[] };
  if (lcp.length !== runs) throw new Error(`perfgate made ${lcp.length} runs, expected ${runs}`);
  return { tool: 'perfgate', runs, seconds, lcp };
}

/** Runs a command to completion; resolves its stdout, rejects with all its output. */
function runCommand(command: string, argv: string[], cwd: string): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      output += c;
    });
    child.stderr.on('data', (c) => (output += c));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? ok(stdout) : fail(new Error(`${command} exited ${code}:\n${output}`)),
    );
  });
}

async function lhciBatch(index: number): Promise<Batch> {
  const dir = join(work, `lhci-${index}`);
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'lighthouserc.json');
  await writeFile(
    config,
    JSON.stringify({
      ci: {
        collect: {
          url: [url],
          numberOfRuns: runs,
          chromePath,
          settings: {
            preset: 'desktop',
            onlyCategories: ['performance'],
            disableFullPageScreenshot: true,
            skipAudits: ['bf-cache'],
            chromeFlags: lhciChromeFlags,
          },
        },
      },
    }),
  );
  const started = performance.now();
  await runCommand(
    process.execPath,
    [resolve('node_modules/@lhci/cli/src/cli.js'), 'collect', `--config=${config}`],
    dir,
  );
  const seconds = (performance.now() - started) / 1000;
  const reports = (await readdir(join(dir, '.lighthouseci'))).filter((f) => f.endsWith('.json'));
  const lcp: number[] = [];
  for (const file of reports) {
    const lhr = JSON.parse(
      await readFile(join(dir, '.lighthouseci', file), 'utf8'),
    ) as LighthouseResult;
    if (!lhr.audits) continue;
    // The comparison is only fair if lhci really ran with the same settings.
    const settings = (lhr as { configSettings?: Record<string, unknown> }).configSettings ?? {};
    const same =
      settings.formFactor === 'desktop' &&
      JSON.stringify(settings.onlyCategories) === '["performance"]' &&
      settings.disableFullPageScreenshot === true &&
      JSON.stringify(settings.skipAudits) === '["bf-cache"]';
    if (!same) throw new Error(`lhci ran with other settings: ${JSON.stringify(settings)}`);
    lcp.push(metricsOf(lhr).lcp);
  }
  if (lcp.length !== runs) throw new Error(`lhci made ${lcp.length} reports, expected ${runs}`);
  return { tool: 'lhci', runs, seconds, lcp };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const results: Batch[] = [];
try {
  for (let b = 0; b < batches; b++) {
    for (const tool of ['perfgate', 'lhci'] as const) {
      const batch = tool === 'perfgate' ? await perfgateBatch() : await lhciBatch(b);
      results.push(batch);
      process.stderr.write(
        `batch ${b + 1}/${batches} ${tool}: ${batch.runs} runs in ${batch.seconds.toFixed(1)} s ` +
          `(${((60 * batch.runs) / batch.seconds).toFixed(1)} runs/min, median LCP ${median(batch.lcp).toFixed(0)} ms)\n`,
      );
    }
  }
} finally {
  await site.close();
  await rm(work, { recursive: true, force: true });
}

const chromium =
  (await runCommand(chromePath, ['--version'], '.').catch(() => '?')).trim().split('\n').pop() ??
  '?';
const summary = (['perfgate', 'lhci'] as const).map((tool) => {
  const own = results.filter((r) => r.tool === tool);
  const totalRuns = own.reduce((a, r) => a + r.runs, 0);
  const totalSeconds = own.reduce((a, r) => a + r.seconds, 0);
  return {
    tool,
    batches: own.length,
    runs: totalRuns,
    seconds: totalSeconds,
    perRunSeconds: totalSeconds / totalRuns,
    runsPerMinute: (60 * totalRuns) / totalSeconds,
    batchRunsPerMinute: own.map((r) => (60 * r.runs) / r.seconds),
    medianLcp: median(own.flatMap((r) => r.lcp)),
  };
});
const [pg, lh] = summary as [(typeof summary)[0], (typeof summary)[0]];
const ratio = pg.runsPerMinute / lh.runsPerMinute;

const lines = [
  `Page: ${args.site} (served on loopback), desktop preset, performance category, ${runs} runs per batch, ${batches} batches per tool, ABAB.`,
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ${chromium}.`,
  '',
  '| tool | batches | runs | total s | s per run | runs/min (all) | runs/min per batch | median LCP |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ...summary.map(
    (s) =>
      `| ${s.tool === 'perfgate' ? 'perfgate loop (one Chromium)' : '`lhci collect`'} | ${s.batches} | ${s.runs} | ${s.seconds.toFixed(1)} | ${s.perRunSeconds.toFixed(2)} | ${s.runsPerMinute.toFixed(1)} | ${s.batchRunsPerMinute.map((x) => x.toFixed(1)).join(', ')} | ${s.medianLcp.toFixed(0)} ms |`,
  ),
  '',
  `perfgate makes **${ratio.toFixed(2)}×** as many Lighthouse runs per minute as \`lhci collect\` (target ≥ 2×).`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if (args.json) {
  await writeFile(
    args.json,
    `${JSON.stringify({ url, runs, batches, results, summary, ratio }, null, 2)}\n`,
  );
}
