// Bottleneck evidence end to end (issue #14): a Node.js server whose head routes /login through
// a new function that derives a key synchronously (crypto.pbkdf2Sync), gated by the real CLI in
// a temp git repository. The regression is decided first; then both sides are CPU-profiled in
// extra rounds, and the comment must name the new function, its file:line, that it is new in
// this PR, and the asynchronous form or a cache as the fix; the result JSON holds the diff and
// the two .cpuprofile files lie beside it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const BASE_SERVER = `'use strict';
const http = require('node:http');

function render(user) {
  return JSON.stringify({ user, ok: true });
}

http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(render('ada'));
  })
  .listen(Number(process.env.PORT), process.env.HOST);
`;

/** Head: the same server, with every login deriving a key first. */
const HEAD_SERVER = BASE_SERVER.replace(
  'function render(user) {',
  `const crypto = require('node:crypto');

function deriveKey(password) {
  return crypto.pbkdf2Sync(password, 'perfgate-salt', 4000, 32, 'sha256').toString('hex');
}

function render(user) {`,
).replace("res.end(render('ada'));", "deriveKey('correct horse');\n    res.end(render('ada'));");

/** deriveKey's line in head's server.js (1-based). */
const DERIVE_LINE =
  HEAD_SERVER.split('\n').findIndex((l) => l.startsWith('function deriveKey')) + 1;

const CONFIG = `benchmarks:
  - name: api
    type: http
    start: node server.js
    connections: 2
    round-duration: 400ms
    requests:
      - /login
gate:
  time-budget: 40s
`;
/** The sampler's 40 s budget, the profiled rounds and a loaded machine; the run takes ~25 s. */
const TIMEOUT_MS = 90_000;

let repo: TestRepo;
let out: string;

beforeAll(() => {
  expect(DERIVE_LINE).toBeGreaterThan(0);
  repo = createRepo('perfgate-profile-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-profile-out-'));
  repo.commit('base: login renders the user', { 'perfgate.yml': CONFIG, 'server.js': BASE_SERVER });
  repo.git('checkout', '-q', '-b', 'derive-key');
  repo.commit('head: login derives a key first', { 'server.js': HEAD_SERVER });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('a route that now derives a key synchronously', () => {
  it(
    'is regressed, and the comment names the new function, its line and the async form or a cache',
    async () => {
      const json = join(out, 'result.json');
      const markdown = join(out, 'comment.md');
      const { code, stderr } = await runPerfgate(
        ['compare', '--base', 'main', '--json', json, '--markdown', markdown],
        repo.dir,
      );
      expect(existsSync(json), `exit ${code}: ${stderr}`).toBe(true);
      const result = JSON.parse(readFileSync(json, 'utf8')) as Result;
      const md = readFileSync(markdown, 'utf8');
      const why = JSON.stringify(
        { code, verdict: result.verdict, notes: result.notes, stderr },
        null,
        1,
      );
      expect(code, why).toBe(1);
      expect(
        result.comparisons.some((c) => c.status === 'regressed'),
        why,
      ).toBe(true);

      // The diff is in the result JSON: deriveKey new at head, in the PR's lines, on top.
      const profiles = result.evidence?.profile?.profiles ?? [];
      expect(
        profiles.map((p) => `${p.benchmark}/${p.target}`),
        why,
      ).toEqual(['api/GET /login']);
      const [login] = profiles;
      expect(login!.per).toBe('request');
      expect(login!.units.base).toHaveLength(3);
      expect(login!.units.head).toHaveLength(3);
      const derive = login!.functions.find((f) => f.name === 'deriveKey');
      expect(derive, md).toMatchObject({
        file: 'server.js',
        line: DERIVE_LINE,
        own: true,
        presence: 'new',
        changed: true,
        lines: [DERIVE_LINE, DERIVE_LINE + 2],
        spentIn: { name: 'pbkdf2Sync', file: 'node:internal/crypto/pbkdf2' },
      });
      // It explains most of the added CPU time, and is first in the ranking.
      expect(login!.functions[0]!.name).toBe('deriveKey');
      expect(derive!.share!).toBeGreaterThan(0.5);
      expect(derive!.attributed.head).toBeGreaterThan(derive!.attributed.base);
      const pbkdf2 = login!.functions.find((f) => f.name === 'pbkdf2Sync');
      expect(pbkdf2?.calledFrom).toMatchObject({ name: 'deriveKey', file: 'server.js' });

      // The comment: the table names it with file:line and says it is new in this PR; the
      // advice cites it and suggests the asynchronous form or a cache.
      expect(md).toContain('### Where the time went');
      expect(md).toMatch(
        new RegExp(
          `\\| deriveKey \\(new\\) \\| server\\.js:${DERIVE_LINE} → pbkdf2Sync \\|.*\\| yes, new \\|`,
        ),
      );
      expect(md).toContain(`Synchronous key derivation in deriveKey (server.js:${DERIVE_LINE})`);
      expect(md).toMatch(/new in this PR/);
      expect(md).toMatch(/asynchronous form \(crypto\.pbkdf2/);
      expect(md).toMatch(/or cache the result/);
      const advice = result.advice.find((a) => a.rule === 'sync-crypto-or-compression');
      expect(advice?.metrics.length).toBe(1);

      // The two .cpuprofile files beside the result, named in it, in DevTools' format.
      for (const side of ['base', 'head'] as const) {
        const file = join(out, login!.files![side]);
        const profile = JSON.parse(readFileSync(file, 'utf8')) as {
          nodes: unknown[];
          samples: unknown[];
        };
        expect(profile.nodes.length).toBeGreaterThan(0);
        expect(profile.samples.length).toBeGreaterThan(0);
      }

      // Profiling came after the sampler's last look (the one that decided), and added no
      // samples to the verdict's.
      const lastLook = stderr.lastIndexOf(`; look at ${result.sampling.pairs} pairs`);
      const profiling = stderr.indexOf('Profiling api');
      expect(lastLook, stderr).toBeGreaterThan(-1);
      expect(profiling, stderr).toBeGreaterThan(lastLook);
      expect(stderr.slice(profiling), stderr).not.toMatch(/pairs?, \d+ s of/);
      for (const c of result.comparisons) {
        expect(c.samples.base).toHaveLength(result.sampling.pairs);
        expect(c.samples.head).toHaveLength(result.sampling.pairs);
      }
      expect(result.evidence!.profile!.elapsedMs).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
