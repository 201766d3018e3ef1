// The capacity searches of one http benchmark, as its probe's rounds ask for them. The sampler
// measures a pair's sides one after the other; the search of a round runs both sides' steps
// interleaved (capacity.ts), so the first side's measure runs it and the second side's takes its
// estimate from the round just run. What the searches saw is kept for the report.
import type {
  HttpBenchmarkConfig,
  HttpCapacityConfig,
  HttpRequestConfig,
  Side,
} from '../../model.js';
import { startTreeCpu } from '../../workspace/process-cpu.js';
import { CapacitySearch, type CapacityStep, chartTerm, type SideEstimate } from './capacity.js';
import type { CapacityEvidence, CapacityProbeEvidence } from './capacity-schema.js';
import { loadStep } from './open-load.js';

export interface CapacityServers {
  url: string;
  pid?: number;
}

export interface CapacityRunOptions {
  signal?: AbortSignal;
  /** Read the servers' CPU time over each step (the knee's "CPU saturated"). */
  serverCpu: boolean;
}

/** Steps kept per side for the chart; a longer search keeps its first ones (ramp included). */
const MAX_STEPS = 400;

/**
 * After the window, how long a step waits for answers: long enough to see a request break the
 * slowest latency term twice over, never longer than the request timeout. With only an error
 * rate there is no latency to see, so it waits for the timeout.
 */
export function drainMs(capacity: HttpCapacityConfig, timeoutMs: number): number {
  const { p50, p95, p99, mean } = capacity.slo;
  const terms = [p50, p95, p99, mean].filter((v): v is number => v !== undefined);
  if (terms.length === 0) return timeoutMs;
  return Math.min(timeoutMs, Math.max(100, 2 * Math.max(...terms)));
}

interface RouteState {
  route: HttpRequestConfig;
  search: CapacitySearch;
  /** The last round run: its estimates, and the sides that have taken theirs. */
  last?: { round: number; estimates: Record<Side, SideEstimate>; taken: Set<Side> };
  /** Measured rounds' estimates by round (a retried round replaces its entry). */
  rounds: Map<number, Record<Side, SideEstimate>>;
  steps: Record<Side, CapacityEvidence['base']['steps']>;
}

export function createCapacityRun(
  bench: HttpBenchmarkConfig & { capacity: HttpCapacityConfig },
  servers: Record<Side, CapacityServers>,
  o: CapacityRunOptions,
) {
  const { capacity } = bench;
  const drain = drainMs(capacity, bench.timeoutMs);
  const states = new Map<string, RouteState>();
  for (const route of bench.requests) {
    const steps: RouteState['steps'] = { base: [], head: [] };
    const search = new CapacitySearch({
      slo: capacity.slo,
      maxRate: capacity.maxRate,
      step: (side, rate) => {
        const server = servers[side];
        return loadStep(server.url, route, {
          rate,
          durationMs: capacity.stepMs,
          timeoutMs: bench.timeoutMs,
          drainMs: drain,
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.serverCpu && server.pid !== undefined
            ? { serverCpu: () => startTreeCpu(server.pid!) }
            : {}),
        });
      },
      onStep: (side, s: CapacityStep) => {
        if (steps[side].length < MAX_STEPS) {
          steps[side].push({ rate: s.rate, latency: s.latency, ok: s.ok });
        }
      },
    });
    states.set(route.name, { route, search, rounds: new Map(), steps });
  }

  return {
    /** Side `side`'s capacity for `route` in `round` (req/s). */
    async estimate(side: Side, round: number, route: string): Promise<number> {
      const state = states.get(route);
      if (!state) throw new RangeError(`no capacity search for route ${JSON.stringify(route)}`);
      const last = state.last;
      if (last && last.round === round && !last.taken.has(side)) {
        last.taken.add(side);
        return last.estimates[side].value;
      }
      const estimates = await state.search.round(side);
      state.last = { round, estimates, taken: new Set([side]) };
      if (round >= 0) state.rounds.set(round, estimates);
      return estimates[side].value;
    },

    evidence(): CapacityProbeEvidence {
      const routes = [...states.values()].map((state): CapacityEvidence => {
        const rounds = [...state.rounds.entries()].sort(([a], [b]) => a - b).map(([, e]) => e);
        const side = (s: Side): CapacityEvidence['base'] => {
          const knee = rounds.at(-1)?.[s].knee;
          return {
            estimates: rounds.map((r) => r[s].value),
            atMax: rounds.map((r) => r[s].atMax),
            steps: state.steps[s],
            ...(knee ? { knee } : {}),
          };
        };
        return {
          benchmark: bench.name,
          route: state.route.name,
          slo: capacity.slo,
          term: chartTerm(capacity.slo),
          maxRate: capacity.maxRate,
          stepMs: capacity.stepMs,
          base: side('base'),
          head: side('head'),
        };
      });
      return { kind: 'capacity', routes };
    },
  };
}

export type CapacityRun = ReturnType<typeof createCapacityRun>;
