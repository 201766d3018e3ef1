// Results for the findings-first tests: an HTTP benchmark with a route made 30% slower beside an
// unchanged route and one no change was found on, and variants of it (pass, inconclusive,
// budget-only, accepted). Samples are seeded; the statistics are written as the pipeline would.
import type { Acceptance, Comparison, Result } from '../../src/result.js';
import { comparison } from './fixture.js';
import { seededRandom } from './markdown-checks.js';

type Spec = Pick<Comparison, 'metric' | 'unit' | 'better' | 'scale' | 'status'> & {
  baseValue: number;
  change: number;
  ci: [number, number];
  mde: number | null;
  threshold?: number;
};

const PAIRS = 12;

function measured(target: string, spec: Spec, seed: number): Comparison {
  const random = seededRandom(seed);
  const noise = () => 1 + (random() - 0.5) * 0.04;
  const base = Array.from({ length: PAIRS }, () => spec.baseValue * noise());
  const head = base.map((b) => b * (1 + spec.change) * noise());
  return comparison({
    benchmark: 'api',
    target,
    metric: spec.metric,
    unit: spec.unit,
    better: spec.better,
    scale: spec.scale,
    base,
    head,
    change: spec.change,
    ci: spec.ci,
    pValue: spec.status === 'regressed' ? 0.0002 : 0.4,
    adjustedPValue: spec.status === 'regressed' ? 0.001 : 1,
    threshold: spec.threshold ?? 0.05,
    mde: spec.mde,
    status: spec.status,
  });
}

const ms = { unit: 'ms', better: 'lower', scale: 'ratio' } as const;
const rps = { unit: 'req/s', better: 'higher', scale: 'ratio' } as const;

/** GET /shops/acme made 30% slower: p50, p95, p99 and mean regressed, throughput fell. */
export function slowRoute(): Comparison[] {
  const t = 'GET /shops/acme';
  return [
    measured(
      t,
      {
        metric: 'p50',
        ...ms,
        status: 'regressed',
        baseValue: 2.88,
        change: 0.3,
        ci: [0.22, 0.39],
        mde: 0.11,
      },
      1,
    ),
    measured(
      t,
      {
        metric: 'p95',
        ...ms,
        status: 'regressed',
        baseValue: 4.1,
        change: 0.31,
        ci: [0.2, 0.42],
        mde: 0.14,
      },
      2,
    ),
    measured(
      t,
      {
        metric: 'p99',
        ...ms,
        status: 'regressed',
        baseValue: 5.2,
        change: 0.33,
        ci: [0.18, 0.47],
        mde: 0.17,
      },
      3,
    ),
    measured(
      t,
      {
        metric: 'mean',
        ...ms,
        status: 'regressed',
        baseValue: 3.0,
        change: 0.3,
        ci: [0.23, 0.38],
        mde: 0.1,
      },
      4,
    ),
    measured(
      t,
      {
        metric: 'throughput',
        ...rps,
        status: 'regressed',
        baseValue: 3400,
        change: -0.23,
        ci: [-0.29, -0.17],
        mde: 0.09,
      },
      5,
    ),
  ];
}

/** GET /items/42 unchanged in fact: every interval within ±5% (p50 only inconclusive when
 *  `undecided`). */
export function steadyRoute(undecided = false): Comparison[] {
  const t = 'GET /items/42';
  return [
    measured(
      t,
      {
        metric: 'p50',
        ...ms,
        status: undecided ? 'inconclusive' : 'unchanged',
        baseValue: 1.9,
        change: 0.01,
        ci: undecided ? [-0.09, 0.12] : [-0.03, 0.04],
        mde: undecided ? 0.18 : 0.045,
      },
      6,
    ),
    measured(
      t,
      {
        metric: 'p95',
        ...ms,
        status: 'unchanged',
        baseValue: 2.6,
        change: 0.0,
        ci: [-0.04, 0.04],
        mde: 0.048,
      },
      7,
    ),
    measured(
      t,
      {
        metric: 'p99',
        ...ms,
        status: 'unchanged',
        baseValue: 3.3,
        change: 0.01,
        ci: [-0.04, 0.045],
        mde: 0.049,
      },
      8,
    ),
    measured(
      t,
      {
        metric: 'mean',
        ...ms,
        status: 'unchanged',
        baseValue: 2.0,
        change: 0.0,
        ci: [-0.03, 0.03],
        mde: 0.04,
      },
      9,
    ),
    measured(
      t,
      {
        metric: 'throughput',
        ...rps,
        status: 'unchanged',
        baseValue: 5100,
        change: 0.0,
        ci: [-0.03, 0.03],
        mde: 0.04,
      },
      10,
    ),
  ];
}

export function httpResult(fields: Partial<Result> = {}): Result {
  return {
    schemaVersion: 1,
    tool: { name: 'perfgate', version: '0.1.0' },
    mode: 'compare',
    verdict: 'fail',
    startedAt: '2026-12-02T10:00:00.000Z',
    durationMs: 150_000,
    repository: 'acme/shop',
    pullRequest: 7,
    base: { ref: 'main', sha: 'def5678aa11bb22cc33dd44ee55ff66778899aab' },
    head: { ref: 'audit-log', sha: 'abc1234ff00ee11dd22cc33bb44aa5566778899f' },
    gate: {
      threshold: 0.05,
      alpha: 0.05,
      correction: 'westfall-young',
      timeBudgetMs: 120_000,
      seed: 7,
    },
    sampling: {
      pairs: PAIRS,
      warmup: 1,
      looks: [4, 6, 9],
      stoppedBy: 'budget',
      elapsedMs: 120_000,
    },
    comparisons: [...slowRoute(), ...steadyRoute(true)],
    budgets: [],
    advice: [],
    notes: [],
    minimumDetectableChange: 0.1,
    ...fields,
  };
}

export function acceptanceOf(result: Result, by = 'maintainer'): Acceptance {
  return {
    status: 'accepted',
    by,
    permission: 'write',
    at: '2026-12-02T10:30:00.000Z',
    via: 'label',
    reason: 'audit log on every order, agreed in #40',
    sha: result.head.sha,
    metrics: result.comparisons
      .filter((c) => c.status === 'regressed')
      .map(({ key, benchmark, target, metric, unit, better, scale, change, ci }) => ({
        key,
        benchmark,
        ...(target !== undefined ? { target } : {}),
        metric,
        unit,
        better,
        scale,
        change,
        ci,
      })),
    problems: [],
    verdict: 'fail',
  };
}
