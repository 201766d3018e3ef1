// npx tsx bench/suite/command-metrics.ts [trials=100]
// What the command kind's three new metrics (user, system, max-rss) cost the wall metric's power
// under Westfall–Young: the real sampler at today's defaults, a fake clock, a 5 s command in a
// 90 s budget, +25% (and A/A), wall with a 4.7% pair spread (bench/RESULTS.md, slow probes),
// user CPU correlated 0.9 with it, system time in 10 ms ticks, peak memory ±1%. A toy noise
// model, seeded: a what-if, not a measurement.

import type { MetricSpec, Observation, Side } from '../../src/model.js';
import { runSampler } from '../../src/sampler/index.js';
import { gateFor } from '../slow/sim.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
function normal(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
const spec = (metric: string, unit: string): MetricSpec => ({
  key: `crunch/${metric}`,
  benchmark: 'crunch',
  metric,
  unit,
  better: 'lower',
  scale: 'ratio',
});
async function trial(four: boolean, shift: number, seed: number) {
  const r = rng(seed * 7919 + 13);
  const specs = four
    ? [spec('wall', 'ms'), spec('user', 'ms'), spec('system', 'ms'), spec('max-rss', 'bytes')]
    : [spec('wall', 'ms')];
  const clock = { now: 0 };
  const probe = {
    specs,
    async measure(side: Side): Promise<Observation> {
      const z = normal(r);
      const f = side === 'head' ? 1 + shift : 1;
      const wall = 5000 * f * Math.exp((0.047 / Math.SQRT2) * z);
      const user = 4900 * f * Math.exp((0.047 / Math.SQRT2) * (0.9 * z + 0.44 * normal(r)));
      const system = 10 * (Math.floor(3 + 2 * r()) + 0.5);
      const rss = 50e6 * Math.exp(0.01 * normal(r));
      clock.now += wall;
      const o: Observation = { 'crunch/wall': wall };
      if (four)
        Object.assign(o, { 'crunch/user': user, 'crunch/system': system, 'crunch/max-rss': rss });
      return o;
    },
  };
  const out = await runSampler({
    gate: gateFor('after', 90_000, seed),
    probes: [probe],
    now: () => clock.now,
    bootstrapResamples: 200,
  });
  return {
    regressed: out.statuses[0] === 'regressed',
    other: out.statuses.slice(1).some((s) => s === 'regressed'),
    any: Object.values(out.statuses).some((s) => s === 'regressed' || s === 'improved'),
    pairs: out.pairs,
  };
}
for (const shift of [0.25, 0])
  for (const four of [false, true]) {
    let reg = 0,
      any = 0,
      pairs = 0;
    const N = Number(process.argv[2] ?? 100);
    for (let i = 1; i <= N; i++) {
      const t = await trial(four, shift, i);
      reg += +t.regressed;
      any += +t.any;
      pairs += t.pairs;
    }
    console.log(
      `shift ${shift} metrics ${four ? 4 : 1}: wall regressed ${reg}/${N}, any call ${any}/${N}, mean pairs ${(pairs / N).toFixed(1)}`,
    );
  }
