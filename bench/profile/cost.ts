// npx tsx bench/profile/cost.ts [--runs 3]
//
// What the CPU profiles of issue 14 add to a regressed run: the same `perfgate compare` (the
// real CLI, a temp git repository) on a head that regressed, with `profile: on-regression` (the
// default) and with `profile: never`, alternated, at the user's defaults otherwise. Two
// services: an HTTP route whose head derives a key with pbkdf2Sync, and a command whose head
// does the same in a loop. Prints each run's duration, the sampler's share and the profiling's
// (evidence.profile.elapsedMs), and writes bench/profile/results/cost.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '../../src/command-line/run.js';
import type { Result } from '../../src/result.js';
import { createRepo } from '../../test/helpers/repo.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);

const SERVER = `'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
function deriveKey(password) {
  return crypto.pbkdf2Sync(password, 'salt', ITERATIONS, 32, 'sha256').toString('hex');
}
http
  .createServer((req, res) => {
    deriveKey('correct horse');
    res.end(JSON.stringify({ ok: true }));
  })
  .listen(Number(process.env.PORT), process.env.HOST);
`;
const WORK = `const crypto = require('node:crypto');
function work() {
  for (let i = 0; i < ROUNDS; i++) crypto.pbkdf2Sync(String(i), 'salt', 1000, 32, 'sha256');
}
work();
`;

const SERVICES = {
  http: {
    files: (head: boolean) => ({
      'server.js': SERVER.replace('ITERATIONS', head ? '3000' : '300'),
    }),
    config: (profile: string) =>
      `benchmarks:\n  - name: api\n    type: http\n    start: node server.js\n    profile: ${profile}\n    requests:\n      - /login\n`,
  },
  command: {
    files: (head: boolean) => ({ 'work.js': WORK.replace('ROUNDS', head ? '600' : '400') }),
    config: (profile: string) =>
      `benchmarks:\n  - name: work\n    type: command\n    run: node work.js\n    profile: ${profile}\n`,
  },
} as const;

interface Row {
  service: string;
  profile: string;
  run: number;
  verdict: string;
  pairs: number;
  durationS: number;
  samplingS: number;
  profilingS: number | null;
}

async function compare(dir: string, branch: string, json: string): Promise<Result> {
  const { execFileSync } = await import('node:child_process');
  execFileSync('git', ['checkout', '-q', branch], { cwd: dir });
  let stderr = '';
  await runCli(['compare', '--base', 'main', '--json', json], {
    cwd: dir,
    stdout: () => {},
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
    env: {},
  });
  try {
    return JSON.parse(readFileSync(json, 'utf8')) as Result;
  } catch {
    throw new Error(`no result on ${branch}: ${stderr}`);
  }
}

const rows: Row[] = [];
const out = mkdtempSync(join(tmpdir(), 'perfgate-profile-cost-'));
for (const [service, spec] of Object.entries(SERVICES)) {
  const repo = createRepo(`perfgate-profile-cost-${service}-`);
  repo.commit('base', { ...spec.files(false), 'perfgate.yml': spec.config('never') });
  for (const profile of ['on-regression', 'never']) {
    repo.git('checkout', '-q', '-b', profile, 'main');
    repo.commit(`head, profile ${profile}`, {
      ...spec.files(true),
      'perfgate.yml': spec.config(profile),
    });
  }
  for (let run = 1; run <= RUNS; run++) {
    // Alternated, so a slower stretch of the machine falls on both.
    const order = run % 2 === 1 ? ['on-regression', 'never'] : ['never', 'on-regression'];
    for (const profile of order) {
      const result = await compare(
        repo.dir,
        profile,
        join(out, `${service}-${profile}-${run}.json`),
      );
      const row: Row = {
        service,
        profile,
        run,
        verdict: result.verdict,
        pairs: result.sampling.pairs,
        durationS: result.durationMs / 1000,
        samplingS: result.sampling.elapsedMs / 1000,
        profilingS: result.evidence?.profile ? result.evidence.profile.elapsedMs / 1000 : null,
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  repo.dispose();
}
rmSync(out, { recursive: true, force: true });

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'results'), { recursive: true });
const machine = { cpus: cpus().length, loadavg: loadavg(), node: process.version };
writeFileSync(
  join(here, 'results', 'cost.json'),
  `${JSON.stringify({ machine, rows }, null, 1)}\n`,
);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
for (const service of Object.keys(SERVICES)) {
  for (const profile of ['on-regression', 'never']) {
    const mine = rows.filter((r) => r.service === service && r.profile === profile);
    console.log(
      `${service} ${profile}: duration ${mean(mine.map((r) => r.durationS)).toFixed(1)} s, sampling ${mean(mine.map((r) => r.samplingS)).toFixed(1)} s, profiling ${mine.map((r) => r.profilingS?.toFixed(1) ?? '—').join(' / ')} s, pairs ${mine.map((r) => r.pairs).join(' / ')}, verdicts ${mine.map((r) => r.verdict).join(' / ')}`,
    );
  }
}
