// npm run bench:accuracy -- [sim|real|all|real-report] [options]
//
//   real  the services (services.mjs) as a user runs them: the minimal user config (start, ready,
//         the two routes, a time budget) resolved by perfgate's parser, so every other setting is
//         the product's default; perfgate's http kind starts the servers and probes them, the
//         real sampler decides. Service × condition × shift interleaved in a seeded order; the
//         `noisy` condition runs neighbour.mjs beside each trial. Saves the trials
//         (results/real-trials.jsonl), the tables (results/real.txt) and, per service ×
//         condition, the noise figures (results/noise-figures-<service>-<condition>.json).
//   sim   synthetic rounds with a cell's fitted figures, a fake clock, thousands of seeded trials
//         at the same default gate; every peer rule at its documented default and across its knob.
//   all   real, then sim with the figures just fitted.
//   real-report  the tables and noise figures again from results/real-trials.jsonl.
//
// Options: --service json,io,tail (also loop) --condition idle,noisy --aa-trials N --trials N
//          (per shift) --budget 2m --shifts 0,5,10,20 (percent) --seed N --label NAME
//          real only: --work-ms X (CPU ms per request of every service chosen; else each
//          service's default, work.ts) --threshold X% (δ, to compare with a non-default gate)
//          --futility off (A/A runs go on to the budget: long runs for the between-process SD)
//          --round-duration 500ms --connections 4 (the http benchmark's, to compare with the
//          default; lists such as 1s,500ms and 10,4 cross into variants interleaved like the cells)
//          sim only: --figures FILE (one set of figures instead of each cell's) --resamples N
//          --noise-scale X --noise-p50 4% --pair-scale X (a what-if: each pair takes X times as
//          long, e.g. 0.5 for rounds half as long) --futility off --threshold X% --peers off (perfgate
//          only: the peers' knob sweep is most of a sim's time at the defaults' few pairs)
//          --process-sd 3% (the between-process SD instead of the figures')
//          --restart-every N --restart-ms 2500ms (servers restarted every N pairs, each restart
//          a fresh process offset and that much of the budget)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GateConfig } from '../../src/model.js';
import { thresholdFor } from '../../src/verdict/gate.js';
import { CALIBRATED_RULES, PEER_RULES } from './catalog.js';
import { modeledMetrics, type NoiseFigures, scaleFigures } from './noise-model.js';
import {
  CONDITIONS,
  type Condition,
  callsOf,
  cellName,
  cellOf,
  figuresFromTrials,
  type RealOptions,
  type RealResult,
  type RealTrial,
  routeAndMetric,
  runReal,
  slowRouteOf,
  tallyTrials,
  type Variant,
} from './real.js';
import {
  type CellOverview,
  calibratedTable,
  conditionTable,
  figuresTable,
  metricCallsTable,
  overviewTable,
  pct,
  powerCurve,
  type RowSource,
  realizedTable,
  ruleTable,
  type TrialView,
  timingTable,
} from './report.js';
import { jsonBytes } from './service-work.mjs';
import { PERFGATE, simulate } from './simulate.js';
import { minimumDetectableShift, type Tally } from './tally.js';
import { userGate } from './user-config.js';
import { DEFAULT_WORK_MS, SERVICES, type ServiceName } from './work.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'results');

const SIM_SHIFTS = [0, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3];
const REAL_SHIFTS = [0, 0.05, 0.1, 0.2];
const DEFAULT_BUDGET = '2m';

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

function list<T extends string>(field: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((x) => x.trim());
  for (const x of items) {
    if (!(allowed as readonly string[]).includes(x)) {
      throw new UsageError(`--${field} takes ${allowed.join(', ')} (comma-separated), got "${x}"`);
    }
  }
  return [...new Set(items)] as T[];
}

function services(values: Values): ServiceName[] {
  return list('service', values.service ?? 'json,io,tail', SERVICES);
}

function conditions(values: Values): Condition[] {
  return list('condition', values.condition ?? 'idle,noisy', CONDITIONS);
}

type Values = Record<string, string | undefined>;

function gateLabel(
  threshold: number | undefined,
  futility: boolean,
  recorded?: Omit<GateConfig, 'seed'>,
): string {
  const gate = recorded ?? userGate({ timeBudgetMs: 120_000, seed: 1, threshold, futility });
  // The δ the routes' latency metrics get: the HTTP kind's own while the gate's is defaulted.
  const delta = thresholdFor(
    {
      key: 'p50',
      benchmark: 'service',
      metric: 'p50',
      unit: 'ms',
      better: 'lower',
      scale: 'ratio',
    },
    gate,
  );
  return (
    `**perfgate** at the user's gate (δ ${pct(delta, 0)}, α ${gate.alpha}, ${gate.correction}, ` +
    `${gate.lookPlan}-planned looks${gate.futility ? ', futility stop' : ''})`
  );
}

function perfgateRow(
  threshold: number | undefined,
  futility = true,
  recorded?: Omit<GateConfig, 'seed'>,
): RowSource {
  return { id: PERFGATE, label: gateLabel(threshold, futility, recorded), knob: 'default' };
}

function peerRows(): RowSource[] {
  return PEER_RULES.map((r) => ({ id: r.id, label: r.label, knob: r.defaultKnob }));
}

function machineLine(): string {
  const [l1, l5, l15] = loadavg();
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average ${l1!.toFixed(1)} / ${l5!.toFixed(1)} / ${l15!.toFixed(1)} (1/5/15 min)`;
}

function labelOf(values: Values): string {
  const label = values.label ?? '';
  if (label !== '' && !/^[a-z0-9.-]+$/i.test(label)) {
    throw new UsageError(`--label must be letters, digits, dots or dashes, got "${label}"`);
  }
  return label;
}

const figuresFile = (cell: string, label: string) =>
  join(RESULTS, `noise-figures-${cell}${label ? `-${label}` : ''}.json`);

function readFigures(file: string): NoiseFigures {
  if (!existsSync(file)) {
    throw new UsageError(
      `no noise figures at ${file}: run the real mode for that service and condition first, or give --figures FILE`,
    );
  }
  const figures = JSON.parse(readFileSync(file, 'utf8')) as NoiseFigures & {
    metrics: Record<string, NoiseFigures['metrics']['p50']>;
  };
  // Figures saved before p95 replaced p90 (issue #11) hold p90, the nearest percentile measured:
  // used for p95 and said so.
  if (figures.metrics.p95 === undefined && figures.metrics.p90 !== undefined) {
    const { p90, ...rest } = figures.metrics;
    figures.metrics = { ...rest, p95: p90 } as NoiseFigures['metrics'];
    figures.source += '; p95 taken from its p90 (saved before p95 replaced p90)';
  }
  return figures;
}

/** Figures without the fitted offset's upper bound, for when --process-sd sets the offset. */
function withoutOffsetBound(f: NoiseFigures): NoiseFigures {
  const { processSdUpper: _upper, processSdRuns: _runs, processSdNote: _note, ...rest } = f;
  return rest;
}

/** The sims to run: one --figures file, or each chosen service × condition's fitted figures. */
function simCells(values: Values): Array<{ label: string; figures: NoiseFigures }> {
  const label = labelOf(values);
  if (values.figures !== undefined) {
    const name = basename(values.figures)
      .replace(/^noise-figures-?/, '')
      .replace(/\.json$/, '');
    return [{ label: label || name || 'figures', figures: readFigures(values.figures) }];
  }
  return services(values).flatMap((service) =>
    conditions(values).map((condition) => {
      const cell = cellName({ service, condition });
      return {
        label: label ? `${cell}-${label}` : cell,
        figures: readFigures(figuresFile(cell, label)),
      };
    }),
  );
}

async function simMode(values: Values, command: string): Promise<string> {
  const texts: string[] = [];
  for (const cell of simCells(values)) texts.push(await simCell(values, command, cell));
  return texts.join('\n\n');
}

async function simCell(
  values: Values,
  command: string,
  cell: { label: string; figures: NoiseFigures },
): Promise<string> {
  const measured = cell.figures;
  // --noise-p50 5% scales every spread so that p50's paired SD is 5% (a quieter machine).
  const scale = values['noise-p50']
    ? percent('noise-p50', values['noise-p50']) / measured.metrics.p50.sdPair
    : Number(values['noise-scale'] ?? '1');
  if (!(scale > 0))
    throw new UsageError(`--noise-scale must be a number > 0, got "${values['noise-scale']}"`);
  const pairScale = Number(values['pair-scale'] ?? '1');
  if (!(pairScale > 0))
    throw new UsageError(`--pair-scale must be a number > 0, got "${values['pair-scale']}"`);
  const processSd = values['process-sd'] ? percent('process-sd', values['process-sd']) : undefined;
  const restartEvery =
    values['restart-every'] !== undefined
      ? count('restart-every', values['restart-every'])
      : undefined;
  const restarts =
    restartEvery !== undefined
      ? { every: restartEvery, ms: duration('restart-ms', values['restart-ms'] ?? '0ms') }
      : undefined;
  const scaled = scaleFigures(
    processSd === undefined ? measured : { ...withoutOffsetBound(measured), processSd },
    +scale.toPrecision(3),
  );
  const figures =
    pairScale === 1
      ? scaled
      : {
          ...scaled,
          pairMs: scaled.pairMs * pairScale,
          source: `${scaled.source}, pairs × ${pairScale} as long`,
        };
  const label =
    (scale === 1 ? cell.label : `${cell.label}-noise-x${+scale.toPrecision(3)}`) +
    (pairScale === 1 ? '' : `-pair-x${pairScale}`) +
    (processSd === undefined ? '' : `-procsd${+(processSd * 100).toPrecision(3)}`) +
    (restartEvery === undefined ? '' : `-restart${restartEvery}`);
  const shifts = values.shifts ? shiftList(values.shifts) : SIM_SHIFTS;
  const aaTrials = count('aa-trials', values['aa-trials'] ?? '1000');
  const trials = count('trials', values.trials ?? '200');
  const timeBudgetMs = duration('budget', values.budget ?? DEFAULT_BUDGET);
  const threshold = values.threshold ? percent('threshold', values.threshold) : undefined;
  const futility = values.futility !== 'off';
  const peers = values.peers !== 'off';
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
    ...(threshold !== undefined ? { threshold } : {}),
    seed,
    bootstrapResamples,
    futility,
    ...(restarts ? { restarts } : {}),
    ...(peers ? { knobs: true } : { rules: [] }),
    onTrial: (done) => {
      const now = Date.now();
      if (now - lastPrint > 5000 || done === total) {
        lastPrint = now;
        process.stderr.write(`  simulation ${label}: ${done}/${total} trials\n`);
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
  const modelled = modeledMetrics(figures).join(', ');
  const text = [
    `### Simulation, ${label} (${new Date().toISOString().slice(0, 10)})`,
    '',
    `\`${command}\` — ${aaTrials} A/A trials and ${trials} per shift, seed ${seed}, ${bootstrapResamples} bootstrap resamples; ` +
      `${gateLabel(threshold, futility).replace('**perfgate** at ', '')}; time budget ${timeBudgetMs / 1000} s = ${result.maxPairs} pairs at ${figures.pairMs.toFixed(0)} ms per pair; ` +
      (restarts
        ? `servers restarted every ${restarts.every} pairs, ${restarts.ms} ms a restart (a fresh process offset each); `
        : '') +
      `metrics modelled: ${modelled}; ran in ${(result.elapsedMs / 1000).toFixed(0)} s on ${machineLine()}.`,
    '',
    'Noise of the synthetic rounds:',
    '',
    figuresTable(figures),
    '',
    'Rule × shift: the A/A column is the family-wise false-alarm rate over every metric of both routes ' +
      '[95% Wilson interval] of N trials; the other columns are the power (any metric of the slowed ' +
      'route called regressed) · median rounds per side used.',
    '',
    ruleTable(tally, [perfgateRow(threshold, futility), ...(peers ? peerRows() : [])], shifts),
    '',
    ...(peers
      ? [
          'At equal false-alarm rate (each peer’s knob set to its most lenient value whose A/A rate is at most ' +
            `perfgate’s, or 1%):`,
          '',
          cal.table,
          '',
        ]
      : []),
    'perfgate’s time to a verdict (fake clock: pairs × measured pair duration):',
    '',
    timingTable(tally, PERFGATE, shifts),
  ].join('\n');
  writeFileSync(join(RESULTS, `simulation-${label}.txt`), `${text}\n`);
  writeFileSync(
    join(RESULTS, `simulation-${label}.json`),
    `${JSON.stringify(summaryJson(tally, shifts, { aaTrials, trials, timeBudgetMs, threshold, futility, seed, figures }), null, 2)}\n`,
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
      medianTimeMs: cell.timesMs.length
        ? [...cell.timesMs].sort((a, b) => a - b)[Math.floor(cell.timesMs.length / 2)]
        : null,
    };
  }
  return { date: new Date().toISOString(), shifts, settings, cells: rows };
}

/** --round-duration 1s,500ms --connections 10,4: their cross, each a variant named after what it
 *  sets (`rd500ms-c4`) when there are several; one value of each sets every trial alike, as before. */
function variantsOf(values: Values): Pick<RealOptions, 'variants'> {
  const rounds = (values['round-duration'] ?? '').split(',').filter((x) => x.trim() !== '');
  const conns = (values.connections ?? '').split(',').filter((x) => x.trim() !== '');
  if (rounds.length === 0 && conns.length === 0) return {};
  const roundMs: Array<number | undefined> = rounds.length
    ? rounds.map((r) => duration('round-duration', r))
    : [undefined];
  const connections: Array<number | undefined> = conns.length
    ? conns.map((c) => count('connections', c))
    : [undefined];
  const several = roundMs.length * connections.length > 1;
  const variants: Variant[] = roundMs.flatMap((r) =>
    connections.map((c) => {
      const name = [r !== undefined ? `rd${r}ms` : '', c !== undefined ? `c${c}` : '']
        .filter(Boolean)
        .join('-');
      return {
        ...(several ? { name } : {}),
        ...(r !== undefined ? { roundMs: r } : {}),
        ...(c !== undefined ? { connections: c } : {}),
      };
    }),
  );
  return { variants };
}

function realOptions(values: Values): RealOptions {
  const chosen = services(values);
  const workMs = values['work-ms'] === undefined ? undefined : Number(values['work-ms']);
  if (workMs !== undefined && !(workMs > 0)) {
    throw new UsageError(
      `--work-ms must be a number of milliseconds > 0, got "${values['work-ms']}"`,
    );
  }
  const label = labelOf(values);
  return {
    services: chosen,
    conditions: conditions(values),
    shifts: values.shifts ? shiftList(values.shifts) : REAL_SHIFTS,
    aaTrials: count('aa-trials', values['aa-trials'] ?? '30'),
    trials: count('trials', values.trials ?? '10'),
    timeBudgetMs: duration('budget', values.budget ?? DEFAULT_BUDGET),
    ...(workMs !== undefined ? { workMs: Object.fromEntries(chosen.map((s) => [s, workMs])) } : {}),
    ...(values.threshold ? { threshold: percent('threshold', values.threshold) } : {}),
    ...(values.futility === 'off' ? { futility: false } : {}),
    ...variantsOf(values),
    seed: count('seed', values.seed ?? '1'),
    logFile: join(RESULTS, `real-trials${label ? `-${label}` : ''}.jsonl`),
    onLine: (line: string) => process.stderr.write(`  ${line}\n`),
  };
}

/** What a real run said of itself (its command, its work and machine), kept beside its trials so
 *  that real-report regenerates the tables under the command that measured them. */
interface RealRunRecord {
  command: string;
  header: string;
}

function runRecordFile(label: string): string {
  return join(RESULTS, `real-run${label ? `-${label}` : ''}.json`);
}

function readRunRecord(label: string): RealRunRecord | undefined {
  const file = runRecordFile(label);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RealRunRecord) : undefined;
}

async function realMode(values: Values, command: string): Promise<string> {
  const o = realOptions(values);
  writeFileSync(o.logFile!, '');
  const machineBefore = machineLine();
  const result: RealResult = await runReal(o);
  const units = Object.entries(result.units)
    .map(
      ([s, n]) =>
        `${s} ${n} ${s === 'loop' ? 'iterations' : `records (${(jsonBytes(n!) / 1000).toFixed(0)} kB of JSON)`} ≈ ` +
        `${o.workMs?.[s as ServiceName] ?? DEFAULT_WORK_MS[s as ServiceName]} ms`,
    )
    .join('; ');
  const record: RealRunRecord = {
    command,
    header:
      `Work per request, calibrated once and given to both sides: ${units}. ` +
      `Took ${(result.elapsedMs / 60_000).toFixed(1)} min. Machine at start: ${machineBefore}.`,
  };
  writeFileSync(runRecordFile(labelOf(values)), `${JSON.stringify(record, null, 2)}\n`);
  return realReport(result.trials, { ...record, label: labelOf(values), threshold: o.threshold });
}

function toView(t: RealTrial): TrialView {
  const { detected, unchangedCalled } = callsOf(t);
  const slow = slowRouteOf(t);
  return {
    shift: t.shift,
    ...(t.verdict !== undefined ? { verdict: t.verdict } : {}),
    stoppedBy: t.stoppedBy,
    pairs: t.pairs,
    elapsedMs: t.elapsedMs,
    regressed: t.regressed,
    ...(t.realized !== undefined ? { realized: t.realized } : {}),
    ...(t.cpuShift !== undefined ? { cpuShift: t.cpuShift } : {}),
    ...(t.cpuShiftSteady !== undefined ? { cpuShiftSteady: t.cpuShiftSteady } : {}),
    detected,
    unchangedCalled,
    calls: t.regressed.flatMap((key) => {
      const s = t.samples.find((x) => x.key === key);
      if (!s) return [];
      const { route, metric } = routeAndMetric(s);
      return [{ slowed: route === slow, metric }];
    }),
  };
}

/** The metrics the trials recorded, in the probe's order. */
function metricsOf(trials: readonly RealTrial[]): string[] {
  return [...new Set(trials.flatMap((t) => t.samples.map((s) => routeAndMetric(s).metric)))];
}

/** The report of recorded trials: also `real-report`, which re-reads results/real-trials.jsonl. */
function realReport(
  trials: RealTrial[],
  o: { command: string; header: string; label: string; threshold?: number | undefined },
): string {
  const cells = new Map<string, RealTrial[]>();
  for (const t of trials) {
    const name = cellName(cellOf(t));
    cells.set(name, [...(cells.get(name) ?? []), t]);
  }
  const loads = trials.map((t) => t.loadBefore).sort((a, b) => a - b);
  const metrics = metricsOf(trials);
  const ratioMetrics = metrics.filter((m) => m !== 'error-rate');
  const budgets = [...new Set(trials.map((t) => t.budgetMs / 1000))].join(', ');
  // The settings the trials ran with, as recorded (the product's defaults may have changed since).
  const settings = trials.find((t) => t.settings)?.settings;
  // Variants differ in connections and round duration: name every value the trials ran with.
  const seen = (f: (x: NonNullable<RealTrial['settings']>) => number) =>
    [...new Set(trials.flatMap((t) => (t.settings ? [f(t.settings)] : [])))].join(' or ');
  const mixedGate = new Set(trials.map((t) => JSON.stringify(t.settings?.gate ?? null))).size > 1;
  const gateText = gateLabel(o.threshold, true, settings?.gate).replace('**perfgate** at ', '');
  const overview: CellOverview[] = [];
  const sections: string[] = [];
  for (const [name, cellTrials] of cells) {
    const figures = figuresFromTrials(cellTrials, name);
    writeFileSync(figuresFile(name, o.label), `${JSON.stringify(figures, null, 2)}\n`);
    const views = cellTrials.map(toView);
    overview.push({ name, figures, trials: views });
    const shifts = [...new Set(cellTrials.map((t) => t.shift))].sort((a, b) => a - b);
    sections.push(
      [
        `#### ${name}`,
        '',
        conditionTable(views),
        '',
        'Realized change of the slowed route (median over trials of the median paired change), and of its work’s CPU time per request as the servers counted it:',
        '',
        realizedTable(views, ratioMetrics),
        '',
        'Trials that called each metric regressed, slowed route · unchanged route:',
        '',
        metricCallsTable(views, metrics),
        '',
        'The peers on the rounds perfgate collected (a rule that needs more rounds than a trial has is left out of that trial):',
        '',
        ruleTable(
          tallyTrials(cellTrials),
          [perfgateRow(o.threshold, true, settings?.gate), ...peerRows()],
          shifts,
        ),
        '',
        `Noise of the A/A trials (saved to bench/accuracy/results/${basename(figuresFile(name, o.label))} for the simulation):`,
        '',
        figuresTable(figures),
      ].join('\n'),
    );
  }
  const noiseMetrics = ['p50', 'mean', 'cpu'].filter((m) => metrics.includes(m));
  const text = [
    `### Real runs at the user's defaults (${new Date().toISOString().slice(0, 10)})`,
    '',
    `\`${o.command}\` — ${trials.length} trials, service × condition × shift interleaved in a seeded ` +
      `random order, fresh server processes per trial, time budget ${budgets} s; ` +
      `${gateText}${mixedGate ? ' (as the first trial recorded it; the trials ran with differing gates)' : ''}` +
      `${settings ? `, ${seen((x) => x.connections)} connections, ${seen((x) => x.roundMs)} ms rounds, servers restarted every ${seen((x) => x.restartEvery ?? 0)} pairs (0: never)` : ''}. ${o.header} ` +
      `1-minute load average before the trials: median ${loads[Math.floor(loads.length / 2)]?.toFixed(1)}, ` +
      `min ${loads[0]?.toFixed(1)}, max ${loads[loads.length - 1]?.toFixed(1)} (${cpus().length} cores).`,
    '',
    'Per service × condition: noise per pair (robust SD of the paired log-ratio, A/A trials), the ' +
      'family-wise A/A false-alarm rate, the power (the slowed route called regressed) and the A/A time ' +
      'to a verdict:',
    '',
    overviewTable(overview, noiseMetrics),
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  writeFileSync(join(RESULTS, `real${o.label ? `-${o.label}` : ''}.txt`), `${text}\n`);
  return text;
}

function readTrials(label: string): RealTrial[] {
  const file = join(RESULTS, `real-trials${label ? `-${label}` : ''}.jsonl`);
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
      service: { type: 'string' },
      condition: { type: 'string' },
      'aa-trials': { type: 'string' },
      trials: { type: 'string' },
      budget: { type: 'string' },
      threshold: { type: 'string' },
      'round-duration': { type: 'string' },
      connections: { type: 'string' },
      shifts: { type: 'string' },
      seed: { type: 'string' },
      'work-ms': { type: 'string' },
      resamples: { type: 'string' },
      'noise-scale': { type: 'string' },
      'noise-p50': { type: 'string' },
      'pair-scale': { type: 'string' },
      figures: { type: 'string' },
      label: { type: 'string' },
      futility: { type: 'string' },
      peers: { type: 'string' },
      'process-sd': { type: 'string' },
      'restart-every': { type: 'string' },
      'restart-ms': { type: 'string' },
    },
  });
  const mode = positionals[0] ?? 'sim';
  if (!['sim', 'real', 'real-report', 'all'].includes(mode)) {
    throw new UsageError(`mode must be sim, real, real-report or all, got "${mode}"`);
  }
  for (const flag of ['futility', 'peers'] as const) {
    if (values[flag] !== undefined && values[flag] !== 'off') {
      throw new UsageError(`--${flag} takes only "off", got "${values[flag]}"`);
    }
  }
  mkdirSync(RESULTS, { recursive: true });
  const command = `npm run bench:accuracy -- ${process.argv.slice(2).join(' ')}`.trim();
  if (mode === 'real' || mode === 'all') console.log(`${await realMode(values, command)}\n`);
  if (mode === 'real-report') {
    const label = labelOf(values);
    const o = realOptions(values);
    // The command that measured the trials, when the run kept it; this one only regenerates.
    const run = readRunRecord(label);
    console.log(
      realReport(readTrials(label), {
        command: run?.command ?? command,
        label,
        threshold: o.threshold,
        header: `${run ? `${run.header} ` : ''}Regenerated from the recorded trials by \`${command}\`.`,
      }),
    );
  }
  if (mode === 'sim' || mode === 'all') console.log(await simMode(values, command));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
