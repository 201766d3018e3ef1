// Does the futility stop's choice of a run's length bias the between-process offset read from the
// runs (bench/RESULTS.md, "The between-process offset, measured where it can be")? Synthetic A/A
// runs with no offset at a cell's fitted figures, through the real sampler with the stop on or
// off; over sets of 12 runs, the τ that process-offset.ts reads and the correlation between a
// run's length and its median. Seeded.
//
//   npx tsx bench/accuracy/offset-selection.ts [cell, e.g. json-idle-looks125] [on|off] [sets]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../../src/stats/summary.js';
import { correlation, generateTrial, type NoiseFigures } from './noise-model.js';
import { benchGate, runPerfgate, syntheticProbe } from './perfgate.js';
import { processOffset } from './process-offset.js';
import { ROUTES, SLOW_ROUTES } from './series.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
const RUNS = 12;
const BUDGET_MS = 120_000;
const RESTARTS = { every: 8, ms: 2400 };

const cell = process.argv[2] ?? 'json-idle-looks125';
const futility = (process.argv[3] ?? 'on') !== 'off';
const sets = Number(process.argv[4] ?? 25);
const figures: NoiseFigures = {
  ...(JSON.parse(
    readFileSync(join(RESULTS, `noise-figures-${cell}.json`), 'utf8'),
  ) as NoiseFigures),
  processSd: 0,
};

const taus: number[] = [];
const rejected: boolean[] = [];
const correlations: number[] = [];
for (let s = 0; s < sets; s++) {
  const runs: number[][] = [];
  for (let r = 0; r < RUNS; r++) {
    const seed = 1000 * s + r + 1;
    const trial = generateTrial({
      figures,
      routes: ROUTES,
      slowRoutes: SLOW_ROUTES,
      shift: 0,
      rounds: 80,
      seed,
      restartEvery: RESTARTS.every,
    });
    const clock = { now: 0 };
    const run = await runPerfgate(
      syntheticProbe(trial, clock, figures.pairMs, RESTARTS),
      benchGate({ timeBudgetMs: BUDGET_MS, seed, futility }),
      { now: () => clock.now, bootstrapResamples: 200 },
    );
    // Each pair's p50 log-ratio averaged over the routes, as the fit reads it.
    const p50 = run.samples
      .filter((x) => x.spec.metric === 'p50')
      .map((x) => x.base.map((b, i) => Math.log(x.head[i]! / b)));
    const n = Math.min(...p50.map((x) => x.length));
    runs.push(Array.from({ length: n }, (_, i) => p50.reduce((a, x) => a + x[i]!, 0) / p50.length));
  }
  const found = processOffset(runs);
  if (found === undefined) throw new Error(`set ${s}: fewer than 3 runs of 5 pairs`);
  taus.push(found.sd);
  rejected.push(found.p < 0.05);
  correlations.push(
    correlation(
      runs.map((r) => r.length),
      runs.map((r) => median(r)),
    ),
  );
}
const mean = (x: readonly number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.log(
  `${cell}, futility stop ${futility ? 'on' : 'off'}, ${sets} sets of ${RUNS} A/A runs with no offset: ` +
    `τ mean ${pct(mean(taus))}, median ${pct(median(taus))}, above 0 in ${taus.filter((t) => t > 0).length}; ` +
    `Cochran's Q below 5% in ${rejected.filter(Boolean).length}; ` +
    `correlation of a run's length with its median, mean ${mean(correlations).toFixed(2)}`,
);
