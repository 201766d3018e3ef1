// Suggested fixes from evidence: each probe kind's rules, gathered in one list, most pressing
// first. Pure: the evidence was collected by the probes.
import type { BundleComparison } from '../kinds/bundle/compare.js';
import type { BudgetCheck } from '../model.js';
import type { ProfileEvidence } from '../profile/schema.js';
import type { Advice, Comparison } from '../result.js';
import { adviseBundle } from './bundle.js';
import { isLighthouseEvidence, lighthouseAdvice } from './lighthouse.js';
import { profileAdvice } from './profile.js';

export interface AdviceInput {
  comparisons: readonly Comparison[];
  /** What each probe's evidence() returned (today only Lighthouse's audits). */
  evidence: readonly unknown[];
  /** The bundle benchmarks' comparisons. */
  bundles: readonly BundleComparison[];
  /** Every budget check of the run (verdict/budgets.ts). */
  budgets: readonly BudgetCheck[];
  /** The CPU profiles' diff, when targets were profiled after the decision. */
  profile?: ProfileEvidence | undefined;
}

/** Advice is capped so one noisy benchmark cannot crowd out the report. */
const MAX_ADVICE = 50;

export function adviseAll(input: AdviceInput): Advice[] {
  const regressed = input.comparisons.filter((c) => c.status === 'regressed').map((c) => c.key);
  const lighthouse = input.evidence.filter(isLighthouseEvidence);
  return [
    ...lighthouseAdvice(regressed, lighthouse),
    ...(input.profile ? profileAdvice(input.profile) : []),
    ...input.bundles.flatMap((b) =>
      adviseBundle(b, { budgets: input.budgets.filter((c) => c.benchmark === b.benchmark) }),
    ),
  ].slice(0, MAX_ADVICE);
}
