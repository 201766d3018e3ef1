// npm run bench:accuracy -- [sim|real|all] [options]
//
//   sim   synthetic rounds with the noise figures of the last real run (results/noise-figures.json,
//         else built-in defaults), a fake clock, thousands of seeded trials; every peer rule at
//         its documented default and across its knob, for the comparison at equal false-alarm rate.
//   real  the service in its own processes, the real HTTP probe and sampler, conditions
//         interleaved; saves the trials (results/real-trials.jsonl) and the noise figures.
//   all   real, then sim with the figures just measured.
//   real-report  the tables and noise figures again from results/real-trials.jsonl.
//
// Options: --aa-trials N --trials N (per shift) --budget 120s --aa-budget 30s --threshold 1%
//          --shifts 0,2,3,5,10,20 (percent) --seed N --work-ms 1 --connections 1 --round-ms 200
//          sim only: --resamples N (perfgate's bootstrap) --noise-scale X (noise × X)
//          --noise-p50 4% (noise scaled so that p50's paired SD is 4%) --label NAME
//          --futility off (perfgate without its futility stop, to measure what the stop costs)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CALIBRATED_RULES, PEER_RULES } from './catalog.js';
import { DEFAULT_FIGURES, MODEL_METRICS, type NoiseFigures, scaleFigures } from './noise-model.js';
import {
  figuresFromTrials,
  type RealResult,
  type RealTrial,
  runReal,
  tallyTrials,
} from './real.js';
import {
  calibratedTable,
  figuresTable,
  pct,
  powerCurve,
  type RowSource,
  ruleTable,
  timingTable,
} from './report.js';
import { PERFGATE, simulate } from './simulate.js';
import { minimumDetectableShift, type Tally } from './tally.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'results');
const FIGURES_FILE = join(RESULTS, 'noise-figures.json');

const SIM_SHIFTS = [0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2];
const REAL_SHIFTS = [0, 0.02, 0.03, 0.05, 0.1, 0.2];

class UsageError extends Error {
  override name = 'UsageError';
}

function duration(field: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!m)
    throw new UsageError(`--${field} must be a duration like 30s, 2m or 500ms, got "${text}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
}

function count(field: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${field} must be a whole number ≥ 1, got "${text}"`);
  }
  return n;
}

function percent(field: string, text: string): number {
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`--${field} must be a percentage ≥ 0 like 1%, got "${text}"`);
  }
  return n / 100;
}

function shiftList(text: string): number[] {
  const shifts = text.split(',').map((s) => percent('shifts', s));
  if (!shifts.includes(0)) shifts.unshift(0);
  return [...new Set(shifts)].sort((a, b) => a - b);
}

function perfgateRow(): RowSource {
  return {
    id: PERFGATE,
    label: '**perfgate** (δ 1%, α 1%, Holm, α-spending looks, fail-fast)',
    knob: 'default',
  };
}

function peerRows(): RowSource[] {
  return PEER_RULES.map((r) => ({ id: r.id, label: r.label, knob: r.defaultKnob }));
}

function machineLine(): string {
  const [l1, l5, l15] = loadavg();
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} / ${l15!.toFixed(1)} (1/5/15 min)`;
}

function readFigures(): NoiseFigures {
  if (!existsSync(FIGURES_FILE)) return DEFAULT_FIGURES;
  const figures = JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as NoiseFigures;
  // Figures saved before p95 replaced p90 (issue #11) hold p90, the nearest percentile measured:
  // used for p95 and said so, until `real` measures p95 itself.
  const old = figures.metrics as Partial<Record<string, NoiseFigures['metrics']['p50']>>;
  if (figures.metrics.p95 === undefined && old.p90 !== undefined) {
    const { p90, ...rest } = old;
    figures.metrics = Object.fromEntries(
      MODEL_METRICS.map((m) => [m, m === 'p95' ? p90 : rest[m]]),
    ) as NoiseFigures['metrics'];
    figures.source += '; p95 taken from its p90 (saved before p95 replaced p90)';
  }
  return figures;
}

async function simMode(
  values: Record<string, string | undefined>,
  command: string,
): Promise<string> {
  const measured = readFigures();
  // --noise-p50 5% scales every spread so that p50's paired SD is 5% (a quieter machine).
  const scale = values['noise-p50']
    ? percent('noise-p50', values['noise-p50']) / measured.metrics.p50.sdPair
    : Number(values['noise-scale'] ?? '1');
  if (!(scale > 0))
    throw new UsageError(`--noise-scale must be a number > 0, got "${values['noise-scale']}"`);
  const figures = scaleFigures(measured, +scale.toPrecision(3));
  const label =
    values.label ??
    (values['noise-p50']
      ? `p50-sd-${values['noise-p50'].replace('%', 'pct')}`
      : scale === 1
        ? 'measured'
        : `noise-x${scale}`);
  if (!/^[a-z0-9.-]+$/i.test(label))
    throw new UsageError(`--label must be letters, digits, dots or dashes, got "${label}"`);
  const shifts = values.shifts ? shiftList(values.shifts) : SIM_SHIFTS;
  const aaTrials = count('aa-trials', values['aa-trials'] ?? '4000');
  const trials = count('trials', values.trials ?? '400');
  const timeBudgetMs = duration('budget', values.budget ?? '120s');
  const threshold = percent('threshold', values.threshold ?? '1%');
  const seed = count('seed', values.seed ?? '1');
  const bootstrapResamples = count('resamples', values.resamples ?? '2000');
  const total = aaTrials + trials * (shifts.length - 1);
  let lastPrint = 0;
  const result = await simulate({
    figures,
    shifts,
    aaTrials,
    trials,
    timeBudgetMs,
    threshold,
    seed,
    bootstrapResamples,
    futility: values.futility !== 'off',
    knobs: true,
    onTrial: (done) => {
      const now = Date.now();
      if (now - lastPrint > 5000 || done === total) {
        lastPrint = now;
        process.stderr.write(`  simulation: ${done}/${total} trials\n`);
      }
    },
  });
  const { tally } = result;
  const perfgateMds = minimumDetectableShift(powerCurve(tally, PERFGATE, 'default', shifts));
  const aa = tally.get(PERFGATE, 'default', 0);
  const cal = calibratedTable(
    tally,
    CALIBRATED_RULES,
    Math.max(0.01, aa ? aa.failed / aa.trials : 0),
    shifts,
    perfgateMds,
  );
  const text = [
    `### Simulation, ${label} noise (${new Date().toISOString().slice(0, 10)})`,
    '',
    `\`${command}\` — ${aaTrials} A/A trials and ${trials} per shift, seed ${seed}, ${bootstrapResamples} bootstrap resamples; ` +
      `time budget ${timeBudgetMs / 1000} s = ${result.maxPairs} pairs at ${figures.pairMs.toFixed(0)} ms per pair; ` +
      `ran in ${(result.elapsedMs / 1000).toFixed(0)} s on ${machineLine()}.`,
    '',
    'Noise of the synthetic rounds:',
    '',
    figuresTable(figures),
    '',
    'Rule × shift: the A/A column is the family-wise false-alarm rate over all 12 metrics (2 routes × ' +
      'p50, p95, p99, mean, throughput, error rate) [95% Wilson interval] of N trials; the other columns ' +
      'are the power (any metric of the slowed route called regressed) · median rounds per side used.',
    '',
    ruleTable(tally, [perfgateRow(), ...peerRows()], shifts),
    '',
    'At equal false-alarm rate (each peer’s knob set to its most lenient value whose A/A rate is at most ' +
      `perfgate’s, or 1%):`,
    '',
    cal.table,
    '',
    'perfgate’s time to a verdict (fake clock: pairs × measured pair duration):',
    '',
    timingTable(tally, PERFGATE, shifts),
  ].join('\n');
  writeFileSync(join(RESULTS, `simulation-${label}.txt`), `${text}\n`);
  writeFileSync(
    join(RESULTS, `simulation-${label}.json`),
    `${JSON.stringify(summaryJson(tally, shifts, { aaTrials, trials, timeBudgetMs, threshold, seed, figures }), null, 2)}\n`,
  );
  return text;
}

function summaryJson(tally: Tally, shifts: number[], settings: object) {
  const rows: Record<string, unknown> = {};
  for (const [key, cell] of tally.cells) {
    rows[key] = {
      trials: cell.trials,
      failed: cell.failed,
      detected: cell.detected,
      medianSamples: cell.samples.length
        ? [...cell.samples].sort((a, b) => a - b)[Math.floor(cell.samples.length / 2)]
        : null,
    };
  }
  return { date: new Date().toISOString(), shifts, settings, cells: rows };
}

function realOptions(values: Record<string, string | undefined>) {
  return {
    shifts: values.shifts ? shiftList(values.shifts) : REAL_SHIFTS,
    aaTrials: count('aa-trials', values['aa-trials'] ?? '50'),
    trials: count('trials', values.trials ?? '3'),
    timeBudgetMs: duration('budget', values.budget ?? '120s'),
    aaBudgetMs: duration('aa-budget', values['aa-budget'] ?? '30s'),
    threshold: percent('threshold', values.threshold ?? '1%'),
    workMs: Number(values['work-ms'] ?? '1'),
    connections: count('connections', values.connections ?? '1'),
    roundMs: count('round-ms', values['round-ms'] ?? '200'),
    seed: count('seed', values.seed ?? '1'),
    logFile: join(RESULTS, `real-trials${suffix(values)}.jsonl`),
    onLine: (line: string) => process.stderr.write(`  ${line}\n`),
  };
}

async function realMode(
  values: Record<string, string | undefined>,
  command: string,
): Promise<string> {
  const o = realOptions(values);
  writeFileSync(o.logFile, '');
  const machineBefore = machineLine();
  const result: RealResult = await runReal(o);
  return realReport(result.trials, {
    command,
    suffix: suffix(values),
    header:
      `${o.workMs} ms of CPU work per request (${result.workIters} iterations), ${o.connections} ` +
      `connection${o.connections === 1 ? '' : 's'}, ${o.roundMs} ms per route per side per round. ` +
      `Took ${(result.elapsedMs / 60_000).toFixed(1)} min. Machine at start: ${machineBefore}.`,
  });
}

/** `--label NAME` keeps a real run's files apart (real-trials-NAME.jsonl, real-NAME.txt) and
 *  leaves the noise figures to the unlabelled run. */
function suffix(values: Record<string, string | undefined>): string {
  const label = values.label;
  if (label === undefined) return '';
  if (!/^[a-z0-9.-]+$/i.test(label)) {
    throw new UsageError(`--label must be letters, digits, dots or dashes, got "${label}"`);
  }
  return `-${label}`;
}

/** The report of recorded trials: also `real-report`, which re-reads results/real-trials.jsonl. */
function realReport(
  trials: RealTrial[],
  o: { command: string; header: string; suffix: string },
): string {
  const shifts = [...new Set(trials.map((t) => t.shift))].sort((a, b) => a - b);
  const tally = tallyTrials(trials);
  const figures = figuresFromTrials(trials);
  if (o.suffix === '') writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
  const realized = shifts
    .filter((s) => s > 0)
    .map((s) => {
      const r = trials.filter((t) => t.shift === s).map((t) => t.realizedShift);
      r.sort((a, b) => a - b);
      return `${pct(s, 0)} → ${pct(r[Math.floor(r.length / 2)] ?? Number.NaN, 1)}`;
    })
    .join(', ');
  const loads = trials.map((t) => t.loadBefore).sort((a, b) => a - b);
  const budgets = (shift0: boolean) =>
    [
      ...new Set(trials.filter((t) => (t.shift === 0) === shift0).map((t) => t.budgetMs / 1000)),
    ].join(', ');
  const aa = trials.filter((t) => t.shift === 0).length;
  const text = [
    `### Real runs (${new Date().toISOString().slice(0, 10)})`,
    '',
    `\`${o.command}\` — ${aa} A/A trials (budget ${budgets(true)} s) and ${trials.length - aa} shifted ` +
      `trials (budget ${budgets(false)} s), conditions interleaved in a seeded random order, fresh server ` +
      `processes per trial; ${o.header} 1-minute load average during the trials: median ` +
      `${loads[Math.floor(loads.length / 2)]?.toFixed(1)}, min ${loads[0]?.toFixed(1)}, max ${loads[loads.length - 1]?.toFixed(1)} (2 cores).`,
    '',
    `Realized shift of the slowed route's p50 (median over trials of the median paired change): ${realized}.`,
    '',
    ruleTable(tally, [perfgateRow(), ...peerRows()], shifts),
    '',
    'Peers are judged on the rounds perfgate collected; a rule that needs more rounds than a trial has ' +
      '(tachometer’s 50, benchstat’s 20) is left out of that trial, so its cells may count fewer trials.',
    '',
    'perfgate’s time to a verdict (wall clock):',
    '',
    timingTable(tally, PERFGATE, shifts),
    '',
    `Noise figures of the A/A trials${o.suffix === '' ? ' (saved to bench/accuracy/results/noise-figures.json for the simulation)' : ''}:`,
    '',
    figuresTable(figures),
  ].join('\n');
  writeFileSync(join(RESULTS, `real${o.suffix}.txt`), `${text}\n`);
  return text;
}

function readTrials(suffix: string): RealTrial[] {
  const file = join(RESULTS, `real-trials${suffix}.jsonl`);
  if (!existsSync(file))
    throw new UsageError(`no recorded trials at ${file}: run the real mode first`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RealTrial);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'aa-trials': { type: 'string' },
      trials: { type: 'string' },
      budget: { type: 'string' },
      'aa-budget': { type: 'string' },
      threshold: { type: 'string' },
      shifts: { type: 'string' },
      seed: { type: 'string' },
      'work-ms': { type: 'string' },
      connections: { type: 'string' },
      'round-ms': { type: 'string' },
      resamples: { type: 'string' },
      'noise-scale': { type: 'string' },
      'noise-p50': { type: 'string' },
      label: { type: 'string' },
      futility: { type: 'string' },
    },
  });
  const mode = positionals[0] ?? 'sim';
  if (!['sim', 'real', 'real-report', 'all'].includes(mode)) {
    throw new UsageError(`mode must be sim, real, real-report or all, got "${mode}"`);
  }
  mkdirSync(RESULTS, { recursive: true });
  const command = `npm run bench:accuracy -- ${process.argv.slice(2).join(' ')}`.trim();
  if (mode === 'real' || mode === 'all') console.log(`${await realMode(values, command)}\n`);
  if (mode === 'real-report') {
    const o = realOptions(values);
    console.log(
      realReport(readTrials(suffix(values)), {
        command,
        suffix: suffix(values),
        header: `${o.workMs} ms of CPU work per request, ${o.connections} connection(s), ${o.roundMs} ms per route per side per round (as given to this command; regenerated from results/real-trials.jsonl).`,
      }),
    );
  }
  if (mode === 'sim' || mode === 'all') console.log(await simMode(values, command));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
