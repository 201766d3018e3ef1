// npx tsx bench/slow/main.ts [measure|sim|all] [options]   (npm run bench:slow -- …)
//
//   measure  real AB/BA pairs of two identical sides on this machine: a CPU-bound command of
//            ~1 s (30 pairs) and ~5 s (8 pairs) through the command kind's runCommand, and a page
//            against itself through the Lighthouse kind's probe (12 pairs); saves every pair and
//            its noise figures to results/noise-command.json and results/noise-lighthouse.json.
//   sim      seeded simulations with a fake clock, noise generated from those figures: the
//            command kind at 1, 5, 10, 30 s per run and Lighthouse at its measured pair time, at
//            budgets of 1, 2, 5 min, A/A and +10/+25/+50%, the gate before issue 20 (fixed
//            looks, no futility, the signed-rank test only: the sampler as of commit cb3f1d1)
//            and after (today's defaults); and the whole run's A/A rate at 3–12 pairs (the
//            small-n rule). Writes results/sim.json and results/sim.txt.
//   all      measure, then sim.
//
// Options: --seed N (1) --aa-trials N (1000, after; before gets --before-aa-trials, 300)
//          --trials N (200 per shift) --small-n-trials N (1000 per n) --resamples N (200,
//          the bootstrap resamples per look; perfgate's default is 2000)
//          --only commands|lighthouse|small-n (sim one part) --budgets 1m,2m,5m
//          --durations 1,5,10,30 (s) --site DIR (the Lighthouse page) --noise-scale X (a
//          what-if: the measured spread × X) --lighthouse-run 5s (a what-if: seconds per
//          Lighthouse run instead of the measured) --label NAME (results/sim[-only][-NAME].*)
//          measure only: --measure 1s,5s,lighthouse (the parts; one measured again replaces
//          its old series) --command-pairs 30 --long-pairs 8 --lighthouse-pairs 12
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../../src/config/schema.js';
import { runSampler } from '../../src/sampler/index.js';
import {
  type CommandMeasurement,
  type LighthouseMeasurement,
  measureCommands,
  measureLighthouse,
} from './measure.js';
import { DEFAULT_NU, metricNoise, type SlowNoise } from './noise.js';
import {
  BEFORE_COMMIT,
  beforeSampler,
  type CellResult,
  type Kind,
  runCell,
  type Variant,
  wilson,
} from './sim.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const RESULTS = join(HERE, 'results');
export const COMMAND_FILE = join(RESULTS, 'noise-command.json');
export const LIGHTHOUSE_FILE = join(RESULTS, 'noise-lighthouse.json');

class UsageError extends Error {
  override name = 'UsageError';
}

function count(field: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${field} must be a whole number ≥ 1, got "${text}"`);
  }
  return n;
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    'command-pairs': { type: 'string', default: '30' },
    'long-pairs': { type: 'string', default: '8' },
    'lighthouse-pairs': { type: 'string', default: '12' },
    measure: { type: 'string', default: '1s,5s,lighthouse' },
    site: { type: 'string', default: 'test/fixtures/lighthouse/render-blocking/head' },
    'aa-trials': { type: 'string', default: '1000' },
    'before-aa-trials': { type: 'string', default: '300' },
    trials: { type: 'string', default: '200' },
    'small-n-trials': { type: 'string', default: '1000' },
    resamples: { type: 'string', default: '200' },
    only: { type: 'string' },
    budgets: { type: 'string', default: '1m,2m,5m' },
    durations: { type: 'string', default: '1,5,10,30' },
    'noise-scale': { type: 'string', default: '1' },
    label: { type: 'string' },
    'lighthouse-run': { type: 'string' },
  },
});
const mode = positionals[0] ?? 'all';
if (!['measure', 'sim', 'all'].includes(mode)) {
  throw new UsageError(`mode must be measure, sim or all, got "${mode}"`);
}
const seed = count('seed', args.seed);
const log = (line: string) => process.stderr.write(`${line}\n`);
mkdirSync(RESULTS, { recursive: true });

if (mode === 'measure' || mode === 'all') {
  const parts = new Set(args.measure.split(','));
  for (const part of parts) {
    if (!['1s', '5s', 'lighthouse'].includes(part)) {
      throw new UsageError(`--measure must list 1s, 5s, lighthouse, got "${part}"`);
    }
  }
  const plan: Array<[string, number, number]> = [];
  if (parts.has('1s')) plan.push(['1s', 1, count('command-pairs', args['command-pairs'])]);
  if (parts.has('5s')) plan.push(['5s', 5, count('long-pairs', args['long-pairs'])]);
  if (plan.length > 0) {
    const earlier = existsSync(COMMAND_FILE)
      ? (JSON.parse(readFileSync(COMMAND_FILE, 'utf8')) as CommandMeasurement).commands.find(
          (c) => c.label === '1s' && !parts.has('1s'),
        )
      : undefined;
    const measured = await measureCommands({
      seed,
      plan,
      ...(earlier ? { perSecond: earlier.iterations } : {}),
      log,
    });
    // A part measured again replaces its old series; the others are kept, each with its own
    // load figures.
    const before = existsSync(COMMAND_FILE)
      ? (JSON.parse(readFileSync(COMMAND_FILE, 'utf8')) as CommandMeasurement)
      : undefined;
    const kept = (before?.commands ?? [])
      .filter((c) => !plan.some(([label]) => label === c.label))
      .map((c) => ({ ...c, machine: c.machine ?? before!.machine }));
    const commands = measured.commands.map((c) => ({ ...c, machine: measured.machine }));
    writeFileSync(
      COMMAND_FILE,
      `${JSON.stringify({ ...measured, commands: [...kept, ...commands] }, null, 1)}\n`,
    );
  }
}
if ((mode === 'measure' || mode === 'all') && args.measure.split(',').includes('lighthouse')) {
  const page = await measureLighthouse({
    seed,
    pairs: count('lighthouse-pairs', args['lighthouse-pairs']),
    site: args.site,
    log,
  });
  writeFileSync(LIGHTHOUSE_FILE, `${JSON.stringify(page, null, 1)}\n`);
}

// ---- simulation -------------------------------------------------------------------------------

const SHIFTS = [0, 0.1, 0.25, 0.5];
/** The Lighthouse metrics a slowdown of the page's work moves: its timings, not the server's
 *  answer, layout shifts, bytes or (left as measured, a simplification) the score. */
const SLOWED = new Set(['lcp', 'fcp', 'tbt', 'max-potential-fid', 'speed-index']);

function budgetList(text: string, field = 'budgets'): number[] {
  return text.split(',').map((b) => {
    const m = /^(\d+(?:\.\d+)?)(s|m)$/.exec(b.trim());
    if (!m) throw new UsageError(`--${field} must list durations like 1m,2m,90s, got "${b}"`);
    return Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
  });
}

function durationList(text: string): number[] {
  return text.split(',').map((d) => {
    const n = Number(d);
    if (!(n > 0)) throw new UsageError(`--durations must list seconds > 0 like 1,5,10, got "${d}"`);
    return n;
  });
}

/** The command's noise at `seconds` per run: the relative spread (sdPair, order effect) of the
 *  measured series nearest on a log scale; the tails (outliers) of the longest series, since
 *  a few pairs cannot measure a rate of a few percent. */
export function commandNoise(m: CommandMeasurement, seconds: number): SlowNoise & { from: string } {
  // By the nominal duration of the label (the work, 1 s or 5 s calibrated), not the measured
  // wall time, which load stretched.
  const nominal = (label: string) => Number.parseFloat(label);
  const near = [...m.commands].sort(
    (a, b) =>
      Math.abs(Math.log(nominal(a.label) / seconds)) -
      Math.abs(Math.log(nominal(b.label) / seconds)),
  )[0]!;
  const longest = [...m.commands].sort((a, b) => b.pairs.length - a.pairs.length)[0]!;
  const tails = metricNoise('wall', 'ratio', longest.figures, longest.pairs, { slows: true });
  const spread = metricNoise('wall', 'ratio', near.figures, near.pairs, { slows: true });
  return {
    source: `${near.label} command (spread), ${longest.label} command (tails), measured ${m.measuredAt}`,
    from: near.label,
    metrics: [
      {
        ...spread,
        level: seconds * 1000,
        outlierRate: tails.outlierRate,
        outlierScale: tails.outlierScale,
      },
    ],
    correlation: [[1]],
    nu: DEFAULT_NU,
  };
}

export function lighthouseNoise(m: LighthouseMeasurement): SlowNoise {
  const metrics = m.metrics.map(({ metric, scale }) =>
    metricNoise(metric, scale, m.figures[metric]!, m.pairs, {
      slows: SLOWED.has(metric),
      ...(scale === 'difference' && metric !== 'score' ? { floor: 0 } : {}),
    }),
  );
  const index = new Map(m.correlated.map((k, i) => [k, i]));
  const correlation = metrics.map((a) =>
    metrics.map((b) => {
      if (a.metric === b.metric) return 1;
      const i = index.get(a.metric);
      const j = index.get(b.metric);
      return i === undefined || j === undefined ? 0 : m.correlation[i]![j]!;
    }),
  );
  return { source: `Lighthouse, measured ${m.measuredAt}`, metrics, correlation, nu: DEFAULT_NU };
}

/** The noise × `k`: a what-if for a quieter (k < 1) or louder machine, labelled in the output. */
function scaled<T extends SlowNoise>(noise: T, k: number): T {
  if (k === 1) return noise;
  return {
    ...noise,
    source: `${noise.source}, scaled × ${k}`,
    metrics: noise.metrics.map((m) => ({
      ...m,
      sdPair: m.sdPair * k,
      outlierScale: m.outlierScale * k,
      orderEffect: m.orderEffect * k,
    })),
  };
}

const pct = (x: number, digits = 0) => `${(100 * x).toFixed(digits)}%`;
const rate = (k: number, n: number) => {
  const [lo, hi] = wilson(k, n);
  return `${k}/${n} (${pct(k / n, 1)}, ${pct(lo, 1)}–${pct(hi, 1)})`;
};
const secs = (s: number) => (s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(s >= 10 ? 0 : 1)} s`);
const minutes = (ms: number) => `${ms / 60_000} min`;

function cell(cells: CellResult[], where: Partial<CellResult>): CellResult {
  const found = cells.find((c) =>
    Object.entries(where).every(([k, v]) => c[k as keyof CellResult] === v),
  );
  if (!found) throw new Error(`no simulated cell ${JSON.stringify(where)}`);
  return found;
}

/** The rows of one kind: per run time × budget, before → after. */
function kindTable(cells: CellResult[], kind: Kind, runs: number[], budgets: number[]): string[] {
  const lines = [
    '| per run | budget | A/A before | A/A after | +10% | +25% | +50% | median time A/A | median time +25% | median pairs A/A | inconclusive A/A |',
    '| ---: | ---: | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of runs) {
    for (const budgetMs of budgets) {
      const at = (variant: Variant, shift: number) =>
        cell(cells, { kind, runSeconds: run, budgetMs, variant, shift });
      const both = (f: (c: CellResult) => string, shift: number) =>
        `${f(at('before', shift))} → ${f(at('after', shift))}`;
      lines.push(
        `| ${secs(run)} | ${minutes(budgetMs)} | ${rate(at('before', 0).anyCall, at('before', 0).trials)} | ${rate(at('after', 0).anyCall, at('after', 0).trials)} | ${[0.1, 0.25, 0.5].map((s) => both((c) => pct(c.detected / c.trials), s)).join(' | ')} | ${both((c) => secs(c.medianSeconds), 0)} | ${both((c) => secs(c.medianSeconds), 0.25)} | ${both((c) => String(c.medianPairs), 0)} | ${both((c) => pct(c.inconclusive / c.trials), 0)} |`,
      );
    }
  }
  return lines;
}

if (mode === 'sim' || mode === 'all') {
  const started = performance.now();
  const commands = JSON.parse(readFileSync(COMMAND_FILE, 'utf8')) as CommandMeasurement;
  const page = JSON.parse(readFileSync(LIGHTHOUSE_FILE, 'utf8')) as LighthouseMeasurement;
  const noiseScale = Number(args['noise-scale']);
  if (!(noiseScale > 0)) {
    throw new UsageError(
      `--noise-scale must be a number > 0 such as 0.25, got "${args['noise-scale']}"`,
    );
  }
  const budgets = budgetList(args.budgets);
  const durations = durationList(args.durations);
  const resamples = count('resamples', args.resamples);
  const aaTrials = count('aa-trials', args['aa-trials']);
  const beforeAaTrials = count('before-aa-trials', args['before-aa-trials']);
  const trials = count('trials', args.trials);
  const smallNTrials = count('small-n-trials', args['small-n-trials']);
  const only = args.only;
  if (only !== undefined && !['commands', 'lighthouse', 'small-n'].includes(only)) {
    throw new UsageError(`--only must be commands, lighthouse or small-n, got "${only}"`);
  }
  const samplers = { after: runSampler, before: await beforeSampler() };
  const cells: CellResult[] = [];
  const lighthouse = scaled(lighthouseNoise(page), noiseScale);
  const lighthouseRunMs =
    args['lighthouse-run'] !== undefined
      ? budgetList(args['lighthouse-run'], 'lighthouse-run')[0]!
      : Math.round(
          [...page.pairs].map((p) => p.pairMs / 2).sort((a, b) => a - b)[page.pairs.length >> 1]!,
        );
  const kinds: Array<[Kind, number, SlowNoise]> = [
    ...durations.map(
      (s) =>
        ['command', s * 1000, scaled(commandNoise(commands, s), noiseScale)] as [
          Kind,
          number,
          SlowNoise,
        ],
    ),
    ['lighthouse', lighthouseRunMs, lighthouse],
  ];
  for (const [kind, runMs, noise] of kinds) {
    if (only === 'small-n' || (only === 'commands' && kind !== 'command')) continue;
    if (only === 'lighthouse' && kind !== 'lighthouse') continue;
    for (const budgetMs of budgets) {
      for (const variant of ['before', 'after'] as const) {
        for (const shift of SHIFTS) {
          const n = shift > 0 ? trials : variant === 'after' ? aaTrials : beforeAaTrials;
          const t0 = performance.now();
          const c = await runCell({
            kind,
            variant,
            noise,
            runMs,
            budgetMs,
            shift,
            trials: n,
            seed,
            resamples,
            sampler: samplers[variant],
          });
          cells.push(c);
          log(
            `${kind} ${runMs / 1000} s, ${minutes(budgetMs)}, ${variant}, +${pct(shift)}: calls ${c.anyCall}/${n}, detected ${c.detected}, median ${c.medianPairs} pairs ${secs(c.medianSeconds)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
          );
        }
      }
    }
  }

  // The small-n rule: a whole run of exactly n pairs (the pair limit), A/A, today's gate.
  const smallN: Array<CellResult & { n: number }> = [];
  if (only === undefined || only === 'small-n') {
    for (const [kind, runMs, noise] of [kinds[0]!, kinds[kinds.length - 1]!]) {
      for (let n = 3; n <= 12; n++) {
        const c = await runCell({
          kind,
          variant: 'after',
          noise,
          runMs,
          budgetMs: 24 * 3_600_000,
          shift: 0,
          trials: smallNTrials,
          seed,
          resamples,
          sampler: runSampler,
          maxPairs: n,
        });
        smallN.push({ ...c, n });
        log(`small n ${kind} ${n} pairs: calls ${c.anyCall}/${c.trials}`);
      }
    }
  }

  const header = [
    `Simulated ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? '?'} (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} at the end; the machine was shared), ${((performance.now() - started) / 60_000).toFixed(1)} min.`,
    `After: today's defaults (α ${DEFAULTS.alpha}, δ ${DEFAULTS.threshold}, correction ${DEFAULTS.correction}, look plan ${DEFAULTS.lookPlan}, futility ${DEFAULTS.futility}). Before: the sampler of commit ${BEFORE_COMMIT} (signed-rank only), α 0.01, δ 5%, Holm, looks at 10, 20, 30, 40, 60, 80, 120, 160, 240, 320 pairs, no futility stop.`,
    ...(noiseScale !== 1
      ? [
          `Noise scaled by ${noiseScale} (spread, outliers and order effect): not measured, a what-if.`,
        ]
      : []),
    `${resamples} bootstrap resamples per look (perfgate: 2000). Seed ${seed}. A/A: any metric called regressed or improved, with Wilson's 95% interval. Power: a slowed metric called regressed.`,
    `Command noise: ${kinds
      .filter(([k]) => k === 'command')
      .map(([, ms, n]) => `${ms / 1000} s from ${n.source}`)
      .join(
        '; ',
      )}. Lighthouse: ${lighthouseRunMs} ms per run (median of the measured pairs), ${lighthouse.metrics.length} metrics.`,
    '',
  ];
  const lines = [...header];
  if (cells.some((c) => c.kind === 'command')) {
    lines.push('### Commands', '', ...kindTable(cells, 'command', durations, budgets), '');
  }
  if (cells.some((c) => c.kind === 'lighthouse')) {
    lines.push(
      '### Lighthouse',
      '',
      ...kindTable(cells, 'lighthouse', [lighthouseRunMs / 1000], budgets),
      '',
    );
  }
  if (smallN.length > 0) {
    lines.push(
      '### A/A at exactly n pairs (the small-n rule)',
      '',
      '| n | command (1 metric) | Lighthouse (all metrics) |',
      '| ---: | --- | --- |',
    );
    for (let n = 3; n <= 12; n++) {
      const c = smallN.find((s) => s.n === n && s.kind === 'command')!;
      const l = smallN.find((s) => s.n === n && s.kind === 'lighthouse')!;
      lines.push(`| ${n} | ${rate(c.anyCall, c.trials)} | ${rate(l.anyCall, l.trials)} |`);
    }
    lines.push('');
  }
  const name = ['sim', only, args.label].filter((x) => x !== undefined).join('-');
  writeFileSync(join(RESULTS, `${name}.txt`), `${lines.join('\n')}\n`);
  writeFileSync(
    join(RESULTS, `${name}.json`),
    `${JSON.stringify(
      {
        seed,
        resamples,
        noiseScale,
        correction: DEFAULTS.correction,
        defaults: DEFAULTS,
        noise: {
          commands: kinds
            .filter(([k]) => k === 'command')
            .map(([, ms, n]) => ({ runMs: ms, ...n })),
          lighthouse,
          lighthouseRunMs,
        },
        cells,
        smallN,
      },
      null,
      1,
    )}\n`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
