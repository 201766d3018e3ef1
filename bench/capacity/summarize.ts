// npx tsx bench/capacity/summarize.ts [bench/capacity/results/runs.json]
// The table of bench/RESULTS.md's capacity section from run.ts's records: per run and route,
// each side's median capacity and the width of its 95% interval (the report's, order statistics
// over the rounds), the paired change with its interval and status, and the cost: the run's
// seconds, its pairs, and the load steps the search ran per side per measured round.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sideCapacity } from '../../src/report/capacity.js';

interface Route {
  status: string;
  change: number;
  ci: [number, number];
  base: number[];
  head: number[];
  atMax: { base: boolean[]; head: boolean[] };
  steps: { base: number; head: number };
}
interface Run {
  scenario: 'aa' | 'slower';
  run: number;
  loadBefore: number;
  exit: number;
  pairs: number;
  stoppedBy: string;
  seconds: number;
  routes: Record<string, Route>;
}

const file = process.argv[2] ?? fileURLToPath(new URL('./results/runs.json', import.meta.url));
const runs = JSON.parse(readFileSync(file, 'utf8')) as Run[];
const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;

console.log(
  '| run | load | exit | pairs (stop) | s | route | base req/s (95% CI width) | head req/s (95% CI width) | change [95% CI] | status | steps per side per round |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of runs) {
  for (const [name, route] of Object.entries(r.routes)) {
    const side = (values: number[]) => {
      const s = sideCapacity({ estimates: values, atMax: [], steps: [] }, Number.POSITIVE_INFINITY);
      const width = s.ci ? `±${(((s.ci[1] - s.ci[0]) / 2 / s.median) * 100).toFixed(0)}%` : 'n/a';
      return `${Math.round(s.median)} (${width})`;
    };
    const atMax = route.atMax.base.every(Boolean) && route.atMax.head.every(Boolean);
    // The warm-up round's ramp is in the step counts; per measured round is an upper bound.
    const perRound = ((route.steps.base + route.steps.head) / 2 / (r.pairs + 1)).toFixed(1);
    console.log(
      `| ${r.scenario === 'aa' ? 'A/A' : '/orders +30%'} #${r.run} | ${r.loadBefore.toFixed(1)} | ${r.exit} | ${r.pairs} (${r.stoppedBy}) | ${r.seconds.toFixed(0)} | ${name} | ` +
        `${atMax ? '≥ max-rate' : side(route.base)} | ${atMax ? '≥ max-rate' : side(route.head)} | ` +
        `${pct(route.change)} [${pct(route.ci[0])}, ${pct(route.ci[1])}] | ${route.status} | ${perRound} |`,
    );
  }
}
