// The post-decision hook on real trees and real processes: which targets the policy and the
// statuses ask for, a Node.js command profiled in interleaved runs, and a command and a server
// that are not Node.js, which get a note and never fail the run. The decided comparisons it is
// given are frozen: it reads them and nothing else of the sampler's.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandBenchmarkConfig, HttpBenchmarkConfig, Side, Tree } from '../../src/model.js';
import { NOT_NODE_NOTE, profileAfterDecision, profileTargets } from '../../src/profile/collect.js';
import type { Comparison } from '../../src/result.js';
import { comparison } from '../github/sample-result.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const BASE_WORK = `function main() {
  let s = 0;
  for (let i = 0; i < 1e5; i++) s += i;
  return s;
}
main();
`;
const HEAD_WORK = `const crypto = require('node:crypto');
function hashAll() {
  for (let i = 0; i < 60; i++) crypto.pbkdf2Sync(String(i), 'salt', 4000, 32, 'sha256');
}
function main() {
  let s = 0;
  for (let i = 0; i < 1e5; i++) s += i;
  hashAll();
  return s;
}
main();
`;

function command(
  name: string,
  run: string,
  extra: Partial<CommandBenchmarkConfig> = {},
): CommandBenchmarkConfig {
  return { name, type: 'command', run, cwd: '.', env: {}, timeoutMs: 30_000, ...extra };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

let repo: TestRepo;
let base: string;
let head: string;
let trees: Record<Side, Tree>;
let keep: string;

beforeAll(() => {
  repo = createRepo('perfgate-profile-collect-');
  base = repo.commit('base', { 'work.js': BASE_WORK });
  head = repo.commit('head', { 'work.js': HEAD_WORK });
  const dirs = mkdtempSync(join(tmpdir(), 'perfgate-profile-trees-'));
  keep = join(dirs, 'out');
  trees = {
    base: { side: 'base', ref: 'main', sha: base, dir: join(dirs, 'base') },
    head: { side: 'head', ref: 'pr', sha: head, dir: join(dirs, 'head') },
  };
  for (const [side, text] of [
    ['base', BASE_WORK],
    ['head', HEAD_WORK],
  ] as const) {
    mkdirSync(trees[side].dir);
    writeFileSync(join(trees[side].dir, 'work.js'), text);
  }
});
afterAll(() => {
  repo?.dispose();
  if (trees) rmSync(join(trees.base.dir, '..'), { recursive: true, force: true });
});

function request(
  benchmarks: Array<CommandBenchmarkConfig | HttpBenchmarkConfig>,
  comparisons: Comparison[] = [],
) {
  return {
    benchmarks,
    sides: trees,
    comparisons,
    cwd: repo.dir,
    mergeBase: base,
    head,
    mode: 'compare',
  };
}

describe('profileTargets', () => {
  const cpu = comparison('cpu', 'regressed', 0.4);
  const mean = comparison('mean', 'regressed', 0.3);
  const http: HttpBenchmarkConfig = {
    name: 'api',
    type: 'http',
    start: 'node server.js',
    readyTimeoutMs: 1000,
    env: {},
    cwd: '.',
    connections: 1,
    roundMs: 100,
    timeoutMs: 1000,
    requests: [
      { name: 'GET /orders', method: 'GET', path: '/orders', headers: {} },
      { name: 'GET /health', method: 'GET', path: '/health', headers: {} },
    ],
  };
  it('on regression (the default): the regressed routes, with the CPU metric as the measure', () => {
    const targets = profileTargets([http], [mean, cpu]);
    expect(targets.map((t) => [t.route?.name, t.measured?.key])).toEqual([
      ['GET /orders', 'api/GET /orders/cpu'],
    ]);
  });
  it('always: every route; never: none; other kinds are not profiled', () => {
    expect(profileTargets([{ ...http, profile: 'always' }], []).map((t) => t.route?.name)).toEqual([
      'GET /orders',
      'GET /health',
    ]);
    expect(profileTargets([{ ...http, profile: 'never' }], [cpu])).toEqual([]);
  });
});

describe('profileAfterDecision', () => {
  it('profiles a Node.js command in interleaved runs per side and finds the new function', async () => {
    const wall = comparison('wall', 'unchanged', 0, {
      key: 'work/wall',
      benchmark: 'work',
      metric: 'wall',
    });
    delete (wall as Partial<Comparison>).target;
    const decided = deepFreeze([wall]);
    const before = JSON.stringify(decided);
    const lines: string[] = [];
    const evidence = await profileAfterDecision({
      ...request([command('work', 'node work.js', { profile: 'always' })], decided),
      keep: { dir: keep, prefix: 'result.' },
      log: (line) => lines.push(line),
    });
    expect(JSON.stringify(decided)).toBe(before);
    expect(evidence?.notes).toEqual([]);
    const [work] = evidence!.profiles;
    expect(work).toMatchObject({
      benchmark: 'work',
      per: 'run',
      units: { base: [1, 1, 1], head: [1, 1, 1] },
    });
    expect(work!.target).toBeUndefined();
    const hash = work!.functions.find((f) => f.name === 'hashAll');
    expect(hash).toMatchObject({
      file: 'work.js',
      line: 2,
      presence: 'new',
      changed: true,
      lines: [2, 4],
    });
    expect(work!.functions[0]!.name).toBe('hashAll');
    // main moved from line 1 to 5 and changed (it calls hashAll now): the same function.
    expect(work!.functions.find((f) => f.name === 'main')).toMatchObject({
      line: 5,
      changed: true,
    });
    expect(work!.functions.find((f) => f.name === 'main')!.presence).toBeUndefined();
    // The module's top level is one function on both sides, though lines were added above.
    const top = work!.functions.filter((f) => f.name === '(anonymous)' && f.file === 'work.js');
    expect(top.map((f) => [f.line, f.presence])).toEqual([[1, undefined]]);
    expect(readdirSync(keep).sort()).toEqual([
      'result.work.base.cpuprofile',
      'result.work.head.cpuprofile',
    ]);
    expect(work!.files).toEqual({
      base: 'result.work.base.cpuprofile',
      head: 'result.work.head.cpuprofile',
    });
    expect(lines).toEqual(['Profiling work: 3 runs per side']);
  }, 60_000);

  it('a command that is not Node.js: a note, never a failure', async () => {
    const evidence = await profileAfterDecision({
      ...request([command('shell', 'echo hi', { profile: 'always' })]),
      rounds: 1,
    });
    expect(evidence?.profiles).toEqual([]);
    expect(evidence?.notes).toEqual([
      `shell was not profiled: the base run started no Node.js process. ${NOT_NODE_NOTE}.`,
    ]);
  });

  it('a server started by `npm start`: the node process under npm is profiled', async () => {
    const server = `require('node:http')
  .createServer(function answer(req, res) {
    res.end(JSON.stringify({ path: req.url }));
  })
  .listen(Number(process.env.PORT), process.env.HOST);
`;
    for (const side of ['base', 'head'] as const) {
      writeFileSync(join(trees[side].dir, 'server.js'), server);
      writeFileSync(
        join(trees[side].dir, 'package.json'),
        JSON.stringify({ name: 'svc', private: true, scripts: { start: 'node server.js' } }),
      );
    }
    const http: HttpBenchmarkConfig = {
      name: 'svc',
      type: 'http',
      start: 'npm start',
      readyTimeoutMs: 30_000,
      env: {},
      cwd: '.',
      connections: 1,
      roundMs: 300,
      timeoutMs: 2000,
      requests: [{ name: 'GET /x', method: 'GET', path: '/x', headers: {} }],
      profile: 'always',
    };
    const evidence = await profileAfterDecision({ ...request([http]), rounds: 1 });
    expect(evidence?.notes).toEqual([]);
    const [route] = evidence!.profiles;
    expect(route!.units.base[0]).toBeGreaterThan(0);
    const answer = route!.functions.find((f) => f.name === 'answer');
    expect(answer).toMatchObject({ file: 'server.js', own: true, line: 2 });
    expect(answer!.attributed.head).toBeGreaterThan(0);
  }, 60_000);

  it('a server that is not Node.js: a note, never a failure', async () => {
    const server: HttpBenchmarkConfig = {
      name: 'py',
      type: 'http',
      start: 'exec python3 -m http.server "$PORT" --bind 127.0.0.1',
      readyTimeoutMs: 15_000,
      env: {},
      cwd: '.',
      connections: 1,
      roundMs: 200,
      timeoutMs: 2000,
      requests: [{ name: 'GET /', method: 'GET', path: '/', headers: {} }],
      profile: 'always',
    };
    const evidence = await profileAfterDecision({ ...request([server]), rounds: 1 });
    expect(evidence?.profiles).toEqual([]);
    expect(evidence?.notes).toEqual([
      `py GET / was not profiled: the base server runs no Node.js process that loaded the profiler. ${NOT_NODE_NOTE}.`,
    ]);
  }, 60_000);

  it('nothing regressed, or a mode without a reader: nothing is profiled', async () => {
    expect(await profileAfterDecision(request([command('work', 'node work.js')]))).toBeUndefined();
    expect(
      await profileAfterDecision({
        ...request([command('work', 'node work.js', { profile: 'always' })]),
        mode: 'trend',
      }),
    ).toBeUndefined();
  });
});
