// npx tsx bench/capacity/run.ts [--runs 3] [--budget 4m] [--shift 30] [--orders 220]
//                               [--out bench/capacity/results/runs.json]
//
// The capacity search (issue #16) at the defaults a user gets: a service with two realistic
// routes, the config a user writes (start, ready, requests, `slo: { p95: 100ms }`, a time
// budget; step-duration, max-rate, connections and everything else at their defaults), run by
// perfgate compare in a temp git repository on A/A pairs (head changes a README) and on pairs
// where head's /orders does `shift`% more work, alternated so both see the same machine.
//
//   /orders  allocation-heavy: a JSON document of --orders records built, serialised, parsed
//            back and hashed per request (220: about 0.4 ms of CPU here)
//   /search  I/O-bound: a 3–5 ms wait (a timer, as a database call), then a quarter of that work
//
// Per run it records each side's capacity per round, the paired change with its interval and
// status, the pairs and the seconds the run took; the summary (bench/capacity/summarize.ts)
// gives the repeatability (each side's interval width, the change's interval width, the A/A
// changes' spread) and the cost (seconds per route per pair). Each run is appended as it ends.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '../../src/command-line/run.js';
import type { Result } from '../../src/result.js';
import { createRepo } from '../../test/helpers/repo.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    budget: { type: 'string', default: '4m' },
    shift: { type: 'string', default: '30' },
    /** Records per /orders request: 220 is about 0.4 ms of CPU here, 880 about 1.6 ms. */
    orders: { type: 'string', default: '220' },
    out: { type: 'string', default: join(ROOT, 'bench/capacity/results/runs.json') },
  },
});
const RUNS = Number(args.runs);
const ORDERS = Number(args.orders);
const SHIFT = Number(args.shift) / 100;

const server = `'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const { orders } = require('./work.json');

function jsonWork(n) {
  const doc = { items: Array.from({ length: n }, (_, i) => ({ id: i, name: 'item ' + i, tags: ['a', 'b', 'c'], price: i * 1.25, note: 'x'.repeat(40) })) };
  const back = JSON.parse(JSON.stringify(doc));
  return crypto.createHash('sha256').update(JSON.stringify(back)).digest('hex');
}

http
  .createServer((req, res) => {
    if (req.url === '/health') return res.end('ok');
    if (req.url === '/orders') return res.end(jsonWork(orders));
    if (req.url === '/search') {
      setTimeout(() => res.end(jsonWork(${Math.round(ORDERS / 4)})), 3 + Math.floor(Math.random() * 3));
      return;
    }
    res.statusCode = 404;
    res.end();
  })
  .listen(Number(process.env.PORT), process.env.HOST);
`;

const config = `benchmarks:
  - name: shop
    type: http
    start: node server.js
    ready: /health
    requests: [/orders, /search]
    slo: { p95: 100ms }
gate:
  time-budget: ${args.budget}
`;

type Scenario = 'aa' | 'slower';
interface RunRecord {
  scenario: Scenario;
  run: number;
  loadBefore: number;
  exit: number;
  pairs: number;
  stoppedBy: string;
  seconds: number;
  routes: Record<
    string,
    {
      status: string;
      change: number;
      ci: [number, number];
      base: number[];
      head: number[];
      atMax: { base: boolean[]; head: boolean[] };
      steps: { base: number; head: number };
    }
  >;
}

const repo = createRepo('perfgate-bench-capacity-');
repo.commit('base', {
  'perfgate.yml': config,
  'server.js': server,
  'work.json': JSON.stringify({ orders: ORDERS }),
});
repo.git('checkout', '-q', '-b', 'slower');
repo.commit(`head: /orders does ${args.shift}% more work`, {
  'work.json': JSON.stringify({ orders: Math.round(ORDERS * (1 + SHIFT)) }),
});
repo.git('checkout', '-q', 'main');
repo.git('checkout', '-q', '-b', 'aa');
repo.commit('head: a readme', { 'README.md': 'The same shop.\n' });
repo.git('checkout', '-q', 'main');

async function perfgate(
  branch: string,
  seed: number,
): Promise<Omit<RunRecord, 'scenario' | 'run' | 'loadBefore'>> {
  repo.git('checkout', '-q', branch);
  const json = join(repo.dir, '..', `perfgate-bench-capacity-${process.pid}.json`);
  const started = Date.now();
  let stderr = '';
  const exit = await runCli(['compare', '--base', 'main', '--seed', String(seed), '--json', json], {
    cwd: repo.dir,
    stdout: () => {},
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
    env: {},
  });
  const seconds = (Date.now() - started) / 1000;
  repo.git('checkout', '-q', 'main');
  let result: Result;
  try {
    result = JSON.parse(readFileSync(json, 'utf8')) as Result;
  } catch {
    throw new Error(`perfgate exited ${exit} without a result: ${stderr}`);
  }
  rmSync(json, { force: true });
  const routes: RunRecord['routes'] = {};
  for (const e of result.evidence?.capacity ?? []) {
    const c = result.comparisons.find((x) => x.key === `${e.benchmark}/${e.route}/capacity`)!;
    routes[e.route] = {
      status: c.status,
      change: c.change,
      ci: c.ci,
      base: e.base.estimates,
      head: e.head.estimates,
      atMax: { base: e.base.atMax, head: e.head.atMax },
      steps: { base: e.base.steps.length, head: e.head.steps.length },
    };
  }
  return {
    exit,
    pairs: result.sampling.pairs,
    stoppedBy: result.sampling.stoppedBy,
    seconds,
    routes,
  };
}

const records: RunRecord[] = [];
mkdirSync(dirname(args.out), { recursive: true });
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const scenario of ['aa', 'slower'] as const) {
      const loadBefore = loadavg()[0]!;
      const r = await perfgate(scenario, run);
      records.push({ scenario, run, loadBefore, ...r });
      writeFileSync(args.out, `${JSON.stringify(records, null, 1)}\n`);
      const line = Object.entries(r.routes)
        .map(
          ([route, s]) =>
            `${route} ${s.status} ${(s.change * 100).toFixed(1)}% [${(s.ci[0] * 100).toFixed(1)}, ${(s.ci[1] * 100).toFixed(1)}]`,
        )
        .join('; ');
      console.log(
        `${scenario} #${run}: load ${loadBefore.toFixed(1)}; exit ${r.exit}, ${r.pairs} pairs (${r.stoppedBy}), ${r.seconds.toFixed(0)} s; ${line}`,
      );
    }
  }
} finally {
  repo.dispose();
}
