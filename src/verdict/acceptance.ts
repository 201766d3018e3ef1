// A maintainer's acceptance applied to a result, in pure code: a new acceptance from someone with
// write access accepts every regressed metric as measured now; an earlier one (kept in the PR
// comment's hidden state) holds only while each regressed metric was accepted and is no worse
// than accepted: head's interval must not lie wholly beyond the accepted interval in the worse
// direction. An exceeded budget is never accepted: a budget is the team's own limit, raised in
// perfgate.yml.
import { formatInterval } from '../report/format.js';
import type { Acceptance, AcceptedMetric, Comparison, Result } from '../result.js';

/** Someone asked to accept: by label or by `/perfgate accept <reason>`. */
export interface AcceptRequest {
  by: string;
  /** The permission the API gave (`admin`, `write`, `read`, `none`). */
  permission: string;
  at: string;
  via: 'label' | 'comment';
  reason: string;
}

/** `admin` and `write` (which `maintain` reports as) may accept; `triage`, `read` and `none` not. */
export function canAccept(permission: string): boolean {
  return permission === 'admin' || permission === 'write' || permission === 'maintain';
}

function accepted(c: Comparison): AcceptedMetric {
  const { key, benchmark, target, metric, unit, better, scale, change, ci } = c;
  return {
    key,
    benchmark,
    ...(target !== undefined ? { target } : {}),
    metric,
    unit,
    better,
    scale,
    change,
    ci,
  };
}

function label(m: Pick<Comparison, 'benchmark' | 'target' | 'metric'>): string {
  return `${m.target ?? m.benchmark} ${m.metric}`;
}

/** True when head's interval lies wholly beyond the accepted interval in the worse direction. */
export function worseThanAccepted(c: Comparison, a: AcceptedMetric): boolean {
  const sign = c.better === 'lower' ? 1 : -1;
  const headNearest = Math.min(sign * c.ci[0], sign * c.ci[1]);
  const acceptedFarthest = Math.max(sign * a.ci[0], sign * a.ci[1]);
  return headNearest > acceptedFarthest;
}

function problemsAgainst(result: Result, metrics: readonly AcceptedMetric[]): string[] {
  const byKey = new Map(metrics.map((m) => [m.key, m]));
  const problems: string[] = [];
  for (const c of result.comparisons) {
    if (c.status !== 'regressed') continue;
    const a = byKey.get(c.key);
    if (!a) {
      problems.push(`${label(c)} regressed and was not accepted.`);
    } else if (worseThanAccepted(c, a)) {
      problems.push(
        `${label(c)} is worse than accepted: its interval ${formatInterval(c.ci, c.scale, c.unit)} lies beyond the accepted ${formatInterval(a.ci, a.scale, a.unit)}.`,
      );
    }
  }
  for (const b of result.budgets) {
    if (b.exceeded) {
      problems.push(
        `${[b.target ?? b.benchmark, b.metric].join(' ')} exceeds its budget; a budget is not accepted, it is raised in perfgate.yml.`,
      );
    }
  }
  return problems;
}

export interface AcceptanceOutcome {
  result: Result;
  /** Said in the result's notes too: a refused request, an acceptance that no longer holds. */
  notes: string[];
}

/**
 * The result with its acceptance: `request` is a new one (already checked for permission by the
 * caller, `permission` says what it found), `previous` the one the comment kept. A permitted
 * request replaces the previous acceptance; a refused one leaves it as it was.
 */
export function applyAcceptance(
  result: Result,
  o: { request?: AcceptRequest; previous?: Acceptance },
): AcceptanceOutcome {
  const notes: string[] = [];
  let base: Omit<Acceptance, 'status' | 'problems' | 'verdict'> | undefined;
  if (o.request && canAccept(o.request.permission)) {
    base = {
      ...o.request,
      sha: result.head.sha,
      metrics: result.comparisons.filter((c) => c.status === 'regressed').map(accepted),
    };
  } else {
    const refusal = o.request
      ? `@${o.request.by} asked to accept (by ${o.request.via}) but has ${o.request.permission} permission on this repository; accepting needs write access.`
      : undefined;
    if (refusal) notes.push(refusal);
    // A refusal kept by an earlier run accepted nothing: it is no acceptance to hold to.
    if (o.previous && o.previous.status !== 'refused') {
      const { status: _s, problems: _p, verdict: _v, ...rest } = o.previous;
      base = rest;
    } else if (o.request && refusal) {
      const acceptance: Acceptance = {
        ...o.request,
        sha: result.head.sha,
        metrics: [],
        status: 'refused',
        problems: [refusal],
        verdict: result.verdict,
      };
      return { result: { ...withNotes(result, notes), acceptance }, notes };
    }
  }
  if (!base) return { result, notes };
  const problems = problemsAgainst(result, base.metrics);
  const acceptance: Acceptance = {
    ...base,
    status: problems.length === 0 ? 'accepted' : 'exceeded',
    problems,
    verdict: result.verdict,
  };
  if (acceptance.status === 'exceeded') {
    notes.push(`The acceptance by @${base.by} no longer holds: ${problems.join(' ')}`);
  }
  const verdict =
    acceptance.status === 'accepted' && result.verdict === 'fail' ? 'pass' : result.verdict;
  return { result: { ...withNotes(result, notes), verdict, acceptance }, notes };
}

function withNotes(result: Result, notes: readonly string[]): Result {
  return { ...result, notes: [...result.notes, ...notes].slice(0, 200) };
}
