// npx tsx bench/suite/summarize.ts [bench/suite/results/runs.json]
// The table of bench/RESULTS.md's suite section from run.ts's records: per scenario, how often
// each rule flagged parse and the other benchmarks, perfgate's exits, pairs and time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Row {
  scenario: 'aa' | 'slower';
  loadBefore: number;
  gab: { ratios: Record<string, number>; alerts: string[] };
  perfgate: {
    exit: number;
    pairs: number;
    seconds: number;
    statuses: Record<string, { status: string; change: number }>;
  };
}

const file = process.argv[2] ?? fileURLToPath(new URL('./results/runs.json', import.meta.url));
const rows = JSON.parse(readFileSync(file, 'utf8')) as Row[];
const PARSE = 'math.bench.js > parse';
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};
const regressed = (r: Row, parse: boolean) =>
  Object.entries(r.perfgate.statuses).some(
    ([name, s]) => (name === PARSE) === parse && s.status === 'regressed',
  );

console.log(
  '| scenario | runs | github-action-benchmark: parse alerted | its alerts on the others | ' +
    'perfgate: exit 1 | parse regressed | others regressed | parse inconclusive | ' +
    'pairs (median) | s per run (median) | load (median) | parse ratio of one run each (median, range) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const scenario of ['aa', 'slower'] as const) {
  const of = rows.filter((r) => r.scenario === scenario);
  const count = (f: (r: Row) => boolean) => `${of.filter(f).length}/${of.length}`;
  const ratios = of.map((r) => r.gab.ratios[PARSE] ?? Number.NaN);
  console.log(
    `| ${scenario === 'aa' ? 'A/A' : 'parse +30%'} | ${of.length} | ` +
      `${count((r) => r.gab.alerts.includes(PARSE))} | ` +
      `${count((r) => r.gab.alerts.some((a) => a !== PARSE))} | ` +
      `${count((r) => r.perfgate.exit === 1)} | ${count((r) => regressed(r, true))} | ` +
      `${count((r) => regressed(r, false))} | ` +
      `${count((r) => r.perfgate.statuses[PARSE]?.status === 'inconclusive')} | ` +
      `${median(of.map((r) => r.perfgate.pairs))} | ` +
      `${median(of.map((r) => r.perfgate.seconds)).toFixed(0)} | ` +
      `${median(of.map((r) => r.loadBefore)).toFixed(1)} | ` +
      `×${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`,
  );
}
