// The Lighthouse probe with real Chromium and real Lighthouse, driven in seeded, interleaved
// AB/BA rounds after one warm-up per side, as the sampler drives it. One Chromium serves every
// run of the file; it is closed in afterAll whatever happened.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lighthouseAdvice } from '../../../src/advice/lighthouse.js';
import { type Chrome, findChrome, launchChrome } from '../../../src/kinds/lighthouse/chrome.js';
import { type LighthouseModule, loadLighthouse } from '../../../src/kinds/lighthouse/loader.js';
import {
  createLighthouseProbe,
  type LighthouseProbe,
  LighthouseProbeError,
} from '../../../src/kinds/lighthouse/probe.js';
import type {
  LighthouseBenchmarkConfig,
  Observation,
  Order,
  Side,
  Tree,
} from '../../../src/model.js';
import { hodgesLehmann } from '../../../src/stats/paired.js';
import { createRng } from '../../../src/stats/random.js';
import { processGroupMembers } from '../../../src/workspace/process-group.js';
import { startStaticServer } from '../../../src/workspace/static-server.js';
import { processesWith } from '../../helpers/processes.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/lighthouse/', import.meta.url));
const SITE = join(FIXTURES, 'render-blocking');
const PAIRS = 3;
/** Lighthouse runs take ~5–10 s each on two shared cores. */
const RUN_BUDGET_MS = 30_000;

let chrome: Chrome | undefined;
let lighthouse: LighthouseModule;
const probes: LighthouseProbe[] = [];
const temp = mkdtempSync(join(tmpdir(), 'perfgate-lighthouse-test-'));

beforeAll(async () => {
  chrome = await launchChrome({ path: findChrome() });
  lighthouse = (await loadLighthouse()).lighthouse;
}, 60_000);

afterAll(async () => {
  const pid = chrome?.pid;
  try {
    for (const probe of probes.splice(0)) await probe.dispose?.().catch(() => {});
  } finally {
    await chrome?.close();
    rmSync(temp, { recursive: true, force: true });
  }
  if (pid !== undefined) expect(processGroupMembers(pid)).toEqual([]);
}, 60_000);

const tree = (side: Side, dir: string): Tree => ({
  side,
  ref: side === 'base' ? 'main' : 'feature',
  sha: (side === 'base' ? 'a' : 'b').repeat(40),
  dir,
});

function bench(fields: Partial<LighthouseBenchmarkConfig> = {}): LighthouseBenchmarkConfig {
  return {
    name: 'site',
    type: 'lighthouse',
    serve: '.',
    pages: ['/'],
    preset: 'desktop',
    budgets: {},
    ...fields,
  };
}

function probeFor(b: LighthouseBenchmarkConfig, base: string, head: string, c = chrome!) {
  const probe = createLighthouseProbe(b, {
    trees: { base: tree('base', base), head: tree('head', head) },
    chrome: c,
    lighthouse,
  });
  probes.push(probe);
  return probe;
}

interface Paired {
  base: Observation[];
  head: Observation[];
  order: Order[];
}

/** One warm-up per side (thrown away), then `pairs` blocks in seeded random AB/BA order. */
async function interleave(probe: LighthouseProbe, pairs: number, seed: number): Promise<Paired> {
  const rng = createRng(seed);
  const out: Paired = { base: [], head: [], order: [] };
  await probe.measure('base', 0);
  await probe.measure('head', 0);
  for (let round = 1; round <= pairs; round++) {
    const order: Order = rng.next() < 0.5 ? 'AB' : 'BA';
    const sides: Side[] = order === 'AB' ? ['base', 'head'] : ['head', 'base'];
    const obs: Partial<Record<Side, Observation>> = {};
    for (const side of sides) obs[side] = await probe.measure(side, round);
    out.base.push(obs.base!);
    out.head.push(obs.head!);
    out.order.push(order);
  }
  return out;
}

const column = (obs: Observation[], key: string) => obs.map((o) => o[key]!);
const differences = (p: Paired, key: string) => p.head.map((h, i) => h[key]! - p.base[i]![key]!);

/** Bytes of one whole response on the wire (status line, headers, body), as Chrome counts them
 *  for HTTP/1.1, for a keep-alive request like Chrome's. */
function wireBytes(origin: string, path: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`,
      ),
    );
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = /content-length: (\d+)/i.exec(received.subarray(0, end).toString());
      if (!length) return reject(new Error(`no content-length for ${path}`));
      const total = end + 4 + Number(length[1]);
      if (received.length >= total) {
        socket.destroy();
        resolve(total);
      }
    });
    socket.on('error', reject);
  });
}

describe('Lighthouse probe (real Chromium)', () => {
  it(
    'head adds a large render-blocking script: LCP clearly worse, weight up by exactly its bytes, the audit named in the advice',
    async () => {
      const b = bench();
      const probe = probeFor(b, join(SITE, 'base'), join(SITE, 'head'));
      const paired = await interleave(probe, PAIRS, 20_251_124);
      expect(paired.order).toHaveLength(PAIRS);

      // Every metric of the page, every round, finite.
      for (const obs of [...paired.base, ...paired.head]) {
        expect(Object.keys(obs).sort()).toEqual(probe.specs.map((s) => s.key).sort());
        for (const value of Object.values(obs)) expect(Number.isFinite(value)).toBe(true);
      }
      // Max Potential FID, the navigation-mode metric of the catalogue, is among them: a real
      // run reports it (the longest main-thread task after first paint, in ms).
      expect(probe.specs.map((s) => s.key)).toContain('site///max-potential-fid');
      for (const obs of [...paired.base, ...paired.head]) {
        expect(obs['site///max-potential-fid']).toBeGreaterThanOrEqual(0);
      }

      // The script blocks first paint for ~300 ms of main-thread work plus its download: every
      // pair is worse by far more than run-to-run noise, and the paired log-ratio estimate
      // (Hodges–Lehmann) is above +50%.
      const lcp = 'site///lcp';
      const lcpDiffs = differences(paired, lcp);
      for (const d of lcpDiffs) expect(d).toBeGreaterThan(150);
      const logRatios = paired.head.map((h, i) => Math.log(h[lcp]! / paired.base[i]![lcp]!));
      expect(hodgesLehmann(logRatios)).toBeGreaterThan(Math.log(1.5));

      // Weight is exact: constant within each side, and up by exactly the bytes head added on
      // the wire (the longer document, plus the whole script response).
      const weight = 'site///weight';
      expect(new Set(column(paired.base, weight)).size).toBe(1);
      expect(new Set(column(paired.head, weight)).size).toBe(1);
      // The warm-ups too, although only the first run of an origin has Chrome ask for the
      // missing /favicon.ico.
      for (const side of ['base', 'head'] as const) {
        const all = probe.runs().filter((r) => r.side === side);
        expect(all).toHaveLength(PAIRS + 1);
        expect(new Set(all.map((r) => r.metrics.weight))).toEqual(
          new Set([paired[side][0]![weight]]),
        );
      }
      const servers = {
        base: await startStaticServer(join(SITE, 'base')),
        head: await startStaticServer(join(SITE, 'head')),
      };
      let added: number;
      try {
        added =
          (await wireBytes(servers.head.origin, '/')) -
          (await wireBytes(servers.base.origin, '/')) +
          (await wireBytes(servers.head.origin, '/vendor.js'));
      } finally {
        await servers.base.close();
        await servers.head.close();
      }
      expect(added).toBeGreaterThan(100_000);
      for (const d of differences(paired, weight)) expect(d).toBe(added);

      // Evidence: the render-blocking audit got worse, and /vendor.js is the new offender.
      const evidence = await probe.evidence();
      expect(evidence).toMatchObject({ kind: 'lighthouse', benchmark: 'site', server: 'static' });
      expect(evidence.lighthouseVersion).toBe('12.8.2');
      const page = evidence.pages[0]!;
      expect(page.runs).toEqual({ base: PAIRS + 1, head: PAIRS + 1 });
      const rb = page.worse.find((c) => c.id === 'render-blocking-resources');
      expect(rb?.newItems.map((i) => i.url)).toEqual(['/vendor.js']);
      expect(rb!.head.savingsMs!).toBeGreaterThan(rb!.base.savingsMs ?? 0);
      expect(page.worse.map((c) => c.id)).toContain('total-byte-weight');

      // Advice for the regressed metrics names the audit and the script, and says what to do.
      const advice = lighthouseAdvice([lcp, 'site///fcp', weight], [evidence]);
      const fix = advice.find((a) => a.rule === 'render-blocking-resources');
      expect(fix?.title).toContain('/vendor.js');
      expect(fix?.fix).toMatch(/defer.*async/);
      expect(fix?.metrics).toContain(lcp);
      expect(advice.find((a) => a.rule === 'total-byte-weight')?.metrics).toEqual([weight]);
    },
    (2 + 2 * PAIRS) * RUN_BUDGET_MS,
  );

  it(
    'an A/A site (identical trees) shows no clear difference and weight exactly unchanged',
    async () => {
      const copy = join(temp, 'copy-of-base');
      cpSync(join(SITE, 'base'), copy, { recursive: true });
      const probe = probeFor(bench(), join(SITE, 'base'), copy);
      const paired = await interleave(probe, PAIRS, 7);
      for (const d of differences(paired, 'site///weight')) expect(d).toBe(0);
      // Not the pattern of a regression: the typical LCP difference is within simulation noise,
      // far below the ~300+ ms the render-blocking script costs.
      expect(Math.abs(hodgesLehmann(differences(paired, 'site///lcp')))).toBeLessThan(100);
      expect(differences(paired, 'site///lcp').every((d) => d > 150)).toBe(false);
      const evidence = await probe.evidence();
      // Whatever timing noise moves, no resource is new at head.
      expect(evidence.pages[0]!.worse.flatMap((c) => c.newItems)).toEqual([]);
      expect(evidence.pages[0]!.worse.map((c) => c.id)).not.toContain('total-byte-weight');
    },
    (2 + 2 * PAIRS) * RUN_BUDGET_MS,
  );

  it(
    'measures a site served by the project’s own server command, and dispose() stops it',
    async () => {
      const marker = `perfgate-lh-server-${process.pid}`;
      const b = bench({
        serve: undefined,
        server: {
          start: `node ${join(FIXTURES, 'serve-site.mjs')}`,
          readyTimeoutMs: 10_000,
          env: { SITE_DIR: '.', PERFGATE_TEST_MARKER: marker },
          cwd: '.',
        },
      });
      const probe = probeFor(b, join(SITE, 'base'), join(SITE, 'head'));
      const base = await probe.measure('base', 1);
      const head = await probe.measure('head', 1);
      // A shell and its node, per side.
      expect(processesWith(marker).length).toBeGreaterThanOrEqual(2);
      expect(head['site///weight']! - base['site///weight']!).toBeGreaterThan(100_000);
      expect((await probe.evidence()).server).toBe('command');

      // The servers die (ours to kill: this test started them): the next round says so.
      for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
      await expect(probe.measure('base', 2)).rejects.toMatchObject({
        name: 'LighthouseProbeError',
        reason: 'server-exited',
        side: 'base',
      });
      await probe.dispose!();
      expect(processesWith(marker)).toEqual([]);
      await expect(probe.measure('base', 3)).rejects.toThrow(/disposed/);
    },
    3 * RUN_BUDGET_MS,
  );

  it(
    'a page that does not exist fails the round with Lighthouse’s reason, typed',
    async () => {
      const probe = probeFor(
        bench({ pages: ['/missing'] }),
        join(SITE, 'base'),
        join(SITE, 'head'),
      );
      let error: unknown;
      try {
        await probe.measure('head', 1);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LighthouseProbeError);
      const e = error as LighthouseProbeError;
      expect(e).toMatchObject({
        benchmark: 'site',
        side: 'head',
        page: '/missing',
        reason: 'runtime-error',
      });
      expect(e.code).toBe('ERRORED_DOCUMENT_REQUEST');
      expect(e.message).toContain('benchmark "site", head side, page /missing');
      expect(e.message).toContain('404');
    },
    2 * RUN_BUDGET_MS,
  );

  it('a Chrome that has exited fails the round at once, saying so', async () => {
    const gone = await launchChrome({ path: findChrome() });
    await gone.close();
    const probe = probeFor(bench(), join(SITE, 'base'), join(SITE, 'head'), gone);
    await expect(probe.measure('base', 1)).rejects.toMatchObject({
      name: 'LighthouseProbeError',
      reason: 'chrome-exited',
    });
  });
});
