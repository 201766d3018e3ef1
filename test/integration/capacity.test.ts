// Capacity within an SLO end to end (issue #16): a Node.js server whose head makes /orders do
// 50% more CPU work per request, /catalog unchanged and /ping trivial, gated by the real CLI in a
// temp git repository with `slo: { p95: 50ms }` and `max-rate: 600`. /orders' capacity must be
// lower on head and called regressed; /catalog's not; /ping meets the SLO at max-rate on both
// sides and is reported as such. The comment carries the capacity lines, the chart of p95
// against offered load with the SLO line, and what broke at the knee.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

/** Hashes of 16 kB per request (~25 µs each on the CI machine): /orders 160 on base. */
const server = (ordersHashes: number) => `'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const block = Buffer.alloc(16 * 1024, 7);
function work(hashes) {
  let digest = Buffer.alloc(32);
  for (let i = 0; i < hashes; i++) digest = crypto.createHash('sha256').update(block).update(digest).digest();
  return digest.toString('hex');
}

http
  .createServer((req, res) => {
    if (req.url === '/orders') return res.end(work(${ordersHashes}));
    if (req.url === '/catalog') return res.end(work(160));
    res.end('pong');
  })
  .listen(Number(process.env.PORT), process.env.HOST);
`;

const CONFIG = `benchmarks:
  - name: api
    type: http
    start: node server.js
    connections: 2
    round-duration: 200ms
    slo: { p95: 50ms }
    max-rate: 600
    step-duration: 300ms
    requests: [/orders, /catalog, /ping]
gate:
  time-budget: 150s
  early-stop: resolved
`;
const TIMEOUT_MS = 240_000;
const KEEP = process.env.KEEP_OUT;

let repo: TestRepo;
let out: string;

beforeAll(() => {
  repo = createRepo('perfgate-capacity-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-capacity-out-'));
  repo.commit('base', { 'perfgate.yml': CONFIG, 'server.js': server(160) });
  repo.git('checkout', '-q', '-b', 'heavier-orders');
  repo.commit('head: /orders does 50% more work', { 'server.js': server(240) });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('capacity within an SLO', () => {
  it(
    'is lower and regressed on the heavier route, not on the unchanged one, and ≥ max-rate on the trivial one',
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
      if (KEEP) writeFileSync(KEEP, JSON.stringify(result));
      const capacity = (route: string) =>
        result.comparisons.find((c) => c.key === `api/GET ${route}/capacity`);
      const why = JSON.stringify(
        {
          code,
          pairs: result.sampling.pairs,
          capacity: ['/orders', '/catalog', '/ping'].map((r) => {
            const c = capacity(r);
            return (
              c && {
                r,
                status: c.status,
                change: c.change,
                ci: c.ci,
                base: c.samples.base,
                head: c.samples.head,
              }
            );
          }),
          notes: result.notes,
          stderr,
        },
        null,
        1,
      );
      expect(code, why).toBe(1);

      // /orders: head carries less within the SLO, by about the third that 1.5× the work takes.
      const orders = capacity('/orders')!;
      expect(orders, why).toMatchObject({ unit: 'req/s', better: 'higher', status: 'regressed' });
      expect(orders.change, why).toBeLessThan(-0.15);
      expect(orders.change, why).toBeGreaterThan(-0.5);
      // /catalog: the same code on both sides is not called regressed.
      expect(capacity('/catalog')!.status, why).not.toBe('regressed');
      // /ping: both sides meet the SLO at max-rate, every round.
      const ping = capacity('/ping')!;
      expect(
        ping.samples.base.every((v) => v === 600),
        why,
      ).toBe(true);
      expect(
        ping.samples.head.every((v) => v === 600),
        why,
      ).toBe(true);
      expect(ping.status, why).not.toBe('regressed');

      // The evidence: every round's estimate per side, the steps, the knee.
      const evidence = result.evidence?.capacity ?? [];
      expect(evidence.map((e) => e.route)).toEqual(['GET /orders', 'GET /catalog', 'GET /ping']);
      const ordersEvidence = evidence[0]!;
      expect(ordersEvidence.base.estimates).toEqual(orders.samples.base);
      expect(ordersEvidence.head.knee?.broken.join(' '), why).toMatch(/p95 .* > 50 ms/);
      expect(ordersEvidence.head.knee?.serverCores, why).toBeGreaterThan(0);
      expect(evidence[2]!.base.atMax.every(Boolean)).toBe(true);

      // The comment: one line per route, the chart with the SLO line, the knee.
      expect(md).toContain('### Capacity within the SLO');
      expect(md).toMatch(
        /\*\*api · GET \/orders\*\*: head sustains [\d,]+ req\/s .*within p95 ≤ 50 ms, base [\d,]+ req\/s/,
      );
      expect(md).toContain(
        '**api · GET /ping**: both sides meet p95 ≤ 50 ms at the highest rate tried, 600 req/s (max-rate)',
      );
      expect(md).toMatch(
        /At the knee: .*head at [\d,]+ req\/s: p95 [\d.]+ ms &gt; 50 ms; server CPU [\d.]+ cores/,
      );
      expect(md).toContain('x-axis "offered load (req/s)"');
      expect(md).toContain('plotColorPalette: "#0969da, #cf222e, #57606a"');
    },
    TIMEOUT_MS,
  );
});
