// The `profile` field of http and command benchmarks: when their CPU profiles are recorded,
// always after the sampler's decision (profile/collect.ts).
import { choice, documented } from '../config/leaves.js';

export const PROFILE_POLICIES = ['always', 'on-regression', 'never'] as const;
export type ProfilePolicy = (typeof PROFILE_POLICIES)[number];
export const DEFAULT_PROFILE_POLICY: ProfilePolicy = 'on-regression';

export const PROFILE_FIELD = documented(
  choice(PROFILE_POLICIES).optional(),
  `When to record V8 CPU profiles of base and head after the decision, for the "where the time went" table and its advice (Node.js only): always, on-regression (default: only targets that regressed) or never. Adds a few load rounds (or runs) per side to a run that profiles.`,
);
