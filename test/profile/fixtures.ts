// Constructed profile diffs (the result's evidence.profile) for the advice and report tests.
import type { ProfileFunction, TargetProfile, TimePair } from '../../src/profile/schema.js';

export function pair(base: number, head: number): TimePair {
  return { base, head, change: head - base };
}

/** A function whose attributed, self and total times are all `base` → `head` ms per request. */
export function profiledFunction(
  fields: Partial<ProfileFunction> & { name: string; file: string },
  base: number,
  head: number,
): ProfileFunction {
  const time = pair(base, head);
  return {
    line: 1,
    own: false,
    attributed: time,
    self: time,
    total: time,
    share: null,
    separated: true,
    changed: null,
    ...(base === 0 ? { presence: 'new' as const } : {}),
    ...fields,
  };
}

/** A route's profile: busy 1 → 5 ms per request, no GC, the functions given (ranked as given). */
export function routeProfile(
  functions: ProfileFunction[],
  fields: Partial<TargetProfile> = {},
): TargetProfile {
  return {
    benchmark: 'api',
    target: 'GET /login',
    per: 'request',
    units: { base: [300, 310, 305], head: [120, 118, 121] },
    busy: pair(1, 5),
    code: pair(1, 5),
    gc: pair(0, 0),
    program: pair(0, 0),
    idle: pair(2, 1),
    measured: { key: 'api/GET /login/cpu', change: 4 },
    functions,
    ...fields,
  };
}

/** deriveKey (server.js:6, new in this PR) calling pbkdf2Sync. */
export const DERIVE_KEY = profiledFunction(
  {
    name: 'deriveKey',
    file: 'server.js',
    line: 6,
    own: true,
    changed: true,
    lines: [6, 8],
    share: 0.9,
    spentIn: { name: 'pbkdf2Sync', file: 'node:internal/crypto/pbkdf2', line: 62 },
  },
  0,
  3.6,
);

export const PBKDF2 = profiledFunction(
  {
    name: 'pbkdf2Sync',
    file: 'node:internal/crypto/pbkdf2',
    line: 62,
    calledFrom: { name: 'deriveKey', file: 'server.js', line: 6 },
  },
  0,
  3.6,
);
