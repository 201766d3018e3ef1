// Lighthouse probe: web vitals of each page of a built site, base vs head. One Lighthouse run per
// page per side per round, all against the run's one Chromium (through its DevTools port), with
// Lighthouse's default simulated throttling. Returns the page metrics (extract.ts) and keeps the
// audits advice/ needs as evidence (evidence.ts); budgets are checked in verdict/budgets.ts.
import type { LighthouseBenchmarkConfig, Observation, Side, Tree } from '../../model.js';
import { catalogueSpec, metricKey, type Probe, ProbeError } from '../types.js';
import { PAGE_METRICS } from './catalogue.js';
import {
  type LighthouseEvidence,
  type LighthousePageEvidence,
  type LighthouseRun,
  typicalLcpElement,
  worseAudits,
} from './evidence.js';
import {
  EVIDENCE_AUDITS,
  LCP_ELEMENT_AUDIT,
  type LighthouseMetric,
  lcpElementOf,
  metricsOf,
  resourcesOf,
  snapshotAudit,
} from './extract.js';
import type { LighthouseModule, LighthouseResult } from './loader.js';
import { type PageServer, startPageServer } from './page-server.js';
import { runConfig } from './run-config.js';

/** Lighthouse settings every run uses, besides the preset. */
export const LIGHTHOUSE_FLAGS = {
  output: 'json',
  logLevel: 'error',
  onlyCategories: ['performance'],
  // Neither feeds a performance metric and together they cost ~1.5 s of every run: the full-page
  // screenshot (report decoration) and the back/forward-cache check (a second navigation).
  disableFullPageScreenshot: true,
  skipAudits: ['bf-cache'],
} as const;

export type LighthouseFailure = 'chrome-exited' | 'server-exited' | 'runtime-error' | 'no-metric';

export class LighthouseProbeError extends ProbeError {
  override name = 'LighthouseProbeError';
  readonly page: string;
  readonly url: string;
  readonly reason: LighthouseFailure;
  /** Lighthouse's error code (`ERRORED_DOCUMENT_REQUEST`, `NO_LCP`…), when it gave one. */
  readonly code: string | undefined;
  constructor(
    message: string,
    data: {
      benchmark: string;
      side: Side;
      page: string;
      url: string;
      reason: LighthouseFailure;
      code?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(message, data.benchmark, data.side, options);
    this.page = data.page;
    this.url = data.url;
    this.reason = data.reason;
    this.code = data.code;
  }
}

/** The part of a launched Chrome (chrome.ts) the probe uses. */
export interface ChromeHandle {
  port: number;
  running?(): boolean;
  stderrTail?(): string;
}

export interface LighthouseProbe extends Probe {
  evidence(): Promise<LighthouseEvidence>;
  /** Every run of a whole round so far, in order (for tests and the benchmark script). */
  runs(): LighthouseRun[];
}

export interface LighthouseProbeOptions {
  trees: Record<Side, Tree>;
  chrome: ChromeHandle;
  lighthouse: LighthouseModule;
  /** Extra Lighthouse flags over LIGHTHOUSE_FLAGS. */
  flags?: Record<string, unknown>;
  onServerOutput?: (side: Side, text: string) => void;
}

export function pageUrl(origin: string, page: string): string {
  return `${origin}${page.startsWith('/') ? page : `/${page}`}`;
}

export function lighthouseSpecs(bench: LighthouseBenchmarkConfig) {
  return bench.pages.flatMap((page) => PAGE_METRICS.map((m) => catalogueSpec(m, bench.name, page)));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A probe measuring every page of `bench` on one side per call. Servers start on a side's first
 * measure() (a static file server for `serve`, the project's command for `server`) and stop on
 * dispose(). Chrome belongs to the caller: launched once per run, closed after every probe.
 */
export function createLighthouseProbe(
  bench: LighthouseBenchmarkConfig,
  options: LighthouseProbeOptions,
): LighthouseProbe {
  if ((bench.serve === undefined) === (bench.server === undefined)) {
    throw new RangeError(
      `benchmarks "${bench.name}": exactly one of serve and start must be set, got ${bench.serve === undefined ? 'neither' : 'both'}`,
    );
  }
  if (bench.pages.length === 0) {
    throw new RangeError(`benchmarks "${bench.name}": pages is empty; expected at least one page`);
  }
  const specs = lighthouseSpecs(bench);
  const runs: LighthouseRun[] = [];
  const servers: Partial<Record<Side, Promise<PageServer>>> = {};
  let lighthouseVersion: string | undefined;
  let disposed = false;
  let running: Promise<unknown> = Promise.resolve();
  const config = runConfig(options.lighthouse, bench.preset);

  async function runPage(side: Side, round: number, server: PageServer, page: string) {
    const url = pageUrl(server.origin, page);
    const data = { benchmark: bench.name, side, page, url };
    const where = `benchmark "${bench.name}", ${side} side, page ${page} (${url})`;
    if (options.chrome.running?.() === false) {
      throw new LighthouseProbeError(
        `${where}: Chrome has exited; it must stay up for the whole run.\n${options.chrome.stderrTail?.() ?? ''}`.trim(),
        { ...data, reason: 'chrome-exited' },
      );
    }
    // A server that died shows up as a failed page load: name the real cause.
    const throwIfServerExited = () => {
      try {
        server.assertAlive();
      } catch (exit) {
        throw new LighthouseProbeError(
          `${where}: the server exited: ${errorText(exit)}`,
          { ...data, reason: 'server-exited' },
          { cause: exit },
        );
      }
    };
    throwIfServerExited();
    const started = performance.now();
    let lhr: LighthouseResult | undefined;
    try {
      const result = await options.lighthouse.default(
        url,
        { ...LIGHTHOUSE_FLAGS, ...options.flags, port: options.chrome.port, hostname: '127.0.0.1' },
        config,
      );
      lhr = result?.lhr;
    } catch (error) {
      throwIfServerExited();
      const reason = options.chrome.running?.() === false ? 'chrome-exited' : 'runtime-error';
      throw new LighthouseProbeError(
        `${where}: Lighthouse failed: ${errorText(error)}`,
        { ...data, reason, code: (error as { code?: string }).code },
        { cause: error },
      );
    }
    if (lhr === undefined) {
      throw new LighthouseProbeError(`${where}: Lighthouse returned no result`, {
        ...data,
        reason: 'runtime-error',
      });
    }
    if (lhr.runtimeError !== undefined) {
      throwIfServerExited();
      throw new LighthouseProbeError(
        `${where}: Lighthouse could not measure the page: ${lhr.runtimeError.message} (${lhr.runtimeError.code})`,
        { ...data, reason: 'runtime-error', code: lhr.runtimeError.code },
      );
    }
    let metrics: Record<LighthouseMetric, number>;
    try {
      metrics = metricsOf(lhr);
    } catch (error) {
      throw new LighthouseProbeError(`${where}: ${errorText(error)}`, {
        ...data,
        reason: 'no-metric',
      });
    }
    lighthouseVersion ??= lhr.lighthouseVersion;
    const audits: LighthouseRun['audits'] = {};
    for (const id of EVIDENCE_AUDITS) {
      const audit = lhr.audits[id];
      if (audit !== undefined) audits[id] = snapshotAudit(audit, server.origin);
    }
    const run: LighthouseRun = {
      side,
      round,
      page,
      url,
      metrics,
      audits,
      resources: resourcesOf(lhr, server.origin),
      warnings: [...(lhr.runWarnings ?? [])],
      durationMs: performance.now() - started,
    };
    const lcpElement = lcpElementOf(lhr.audits[LCP_ELEMENT_AUDIT]);
    if (lcpElement !== undefined) run.lcpElement = lcpElement;
    return run;
  }

  async function measure(side: Side, round: number): Promise<Observation> {
    if (disposed) throw new Error(`benchmark "${bench.name}": probe already disposed`);
    if (servers[side] === undefined) {
      const starting = startPageServer(bench, options.trees[side], side, options.onServerOutput);
      servers[side] = starting;
      // A server that failed to start may be retried by the next round.
      starting.catch(() => {
        if (servers[side] === starting) delete servers[side];
      });
    }
    const server = await servers[side]!;
    const obs: Observation = {};
    const measured: LighthouseRun[] = [];
    for (const page of bench.pages) {
      const run = await runPage(side, round, server, page);
      measured.push(run);
      for (const m of PAGE_METRICS) {
        obs[metricKey(bench.name, page, m.metric)] = run.metrics[m.metric];
      }
    }
    // Only whole rounds count as evidence, like the observations the sampler keeps.
    runs.push(...measured);
    return obs;
  }

  return {
    benchmark: bench.name,
    specs,
    measure(side, round) {
      // One Chrome, one run at a time: concurrent runs would disturb each other's timings.
      const next = running.then(
        () => measure(side, round),
        () => measure(side, round),
      );
      running = next.catch(() => {});
      return next;
    },
    runs: () => structuredClone(runs),
    async evidence(): Promise<LighthouseEvidence> {
      return {
        kind: 'lighthouse',
        benchmark: bench.name,
        preset: bench.preset,
        server: bench.serve !== undefined ? 'static' : 'command',
        ...(lighthouseVersion !== undefined ? { lighthouseVersion } : {}),
        pages: bench.pages.map((page) => {
          const base = runs.filter((r) => r.page === page && r.side === 'base');
          const head = runs.filter((r) => r.page === page && r.side === 'head');
          const lcpElement: LighthousePageEvidence['lcpElement'] = {};
          const baseLcp = typicalLcpElement(base);
          const headLcp = typicalLcpElement(head);
          if (baseLcp) lcpElement.base = baseLcp;
          if (headLcp) lcpElement.head = headLcp;
          return {
            page,
            metrics: Object.fromEntries(
              PAGE_METRICS.map((m) => [m.metric, metricKey(bench.name, page, m.metric)]),
            ) as Record<LighthouseMetric, string>,
            runs: { base: base.length, head: head.length },
            worse: worseAudits(base, head),
            lcpElement,
            warnings: [...new Set([...base, ...head].flatMap((r) => r.warnings))],
          };
        }),
      };
    },
    async dispose() {
      disposed = true;
      await running;
      const started = Object.values(servers);
      const results = await Promise.allSettled(
        started.map(async (pending) => {
          const server = await pending.catch(() => undefined);
          await server?.stop();
        }),
      );
      for (const key of Object.keys(servers) as Side[]) delete servers[key];
      const failed = results.find((r) => r.status === 'rejected');
      if (failed?.status === 'rejected') throw failed.reason;
    },
  };
}
