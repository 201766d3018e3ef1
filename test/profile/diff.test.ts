// The per-function diff on constructed rounds: medians per request over each side's rounds,
// the ranking by added time, new and gone functions, the share of the added CPU time, whether
// the rounds stand apart, and what the sources say.
import { describe, expect, it } from 'vitest';
import {
  type FunctionId,
  type FunctionTime,
  functionKey,
  type ProfileSummary,
} from '../../src/profile/cpuprofile.js';
import { diffProfiles, type ProfiledRound, type SourceLookup } from '../../src/profile/diff.js';

function id(name: string, file: string, line: number, own = true): FunctionId {
  return { name, file, line, own };
}

/** A round of `units` requests: busy time and each function's attributed (= self = total) ms. */
function round(units: number, busy: number, fns: Array<[FunctionId, number]>): ProfiledRound {
  const functions = new Map<string, FunctionTime>();
  for (const [fid, ms] of fns) {
    functions.set(functionKey(fid), {
      id: fid,
      selfMs: ms,
      totalMs: ms,
      attributedMs: ms,
      lines: { [fid.line + 1]: ms },
      calledFrom: {},
      spentIn: {},
    });
  }
  const summary: ProfileSummary = {
    totals: { sampledMs: busy + 10, busyMs: busy, codeMs: busy, gcMs: 0, programMs: 0, idleMs: 10 },
    functions,
  };
  return { summary, units };
}

const HANDLER = id('handler', 'server.js', 10);
const DERIVE = id('deriveKey', 'server.js', 3);
const OLD = id('oldCache', 'server.js', 30);
const EMIT = id('emit', 'node:events', 471, false);

// 100 requests a round; base: handler 10 ms, emit 5 ms, oldCache 3 ms; head: handler 11,
// deriveKey 200, emit 5 ± 0.2.
const BASE = [0, 1, 2].map((i) =>
  round(100, 20 + i, [
    [HANDLER, 10 + i * 0.1],
    [EMIT, 5],
    [OLD, 3],
  ]),
);
const HEAD = [0, 1, 2].map((i) =>
  round(100, 220 + i, [
    [HANDLER, 11 + i * 0.1],
    [DERIVE, 200 + i],
    [EMIT, 5 + (i - 1) * 0.2],
  ]),
);

const SOURCE: SourceLookup = {
  headLine: (_file, line) => line,
  range: (_file, line) => [line, line + 2],
  lineText: (_file, line) => `line ${line}`,
  changed: (_file, from, to) => from <= 3 && to >= 3,
};

describe('diffProfiles', () => {
  const diff = diffProfiles({
    benchmark: 'api',
    target: 'GET /login',
    per: 'request',
    base: BASE,
    head: HEAD,
    measured: { key: 'api/GET /login/cpu', change: 9 },
    source: SOURCE,
  });
  const fn = (name: string) => diff.functions.find((f) => f.name === name)!;

  it('normalises per request and takes each side’s median over its rounds', () => {
    expect(diff.busy.base).toBeCloseTo(0.21, 10);
    expect(diff.busy.head).toBeCloseTo(2.21, 10);
    expect(diff.units).toEqual({ base: [100, 100, 100], head: [100, 100, 100] });
    const handler = fn('handler').attributed;
    expect(handler.base).toBeCloseTo(0.101, 10);
    expect(handler.head).toBeCloseTo(0.111, 10);
    expect(handler.change).toBeCloseTo(0.01, 10);
  });

  it('ranks by added time: the new function first, with its share of the added CPU time', () => {
    expect(diff.functions.map((f) => f.name)).toEqual(['deriveKey', 'handler', 'emit', 'oldCache']);
    expect(fn('deriveKey')).toMatchObject({ presence: 'new', separated: true, changed: true });
    expect(fn('deriveKey').share).toBeCloseTo(2.01 / 2, 10);
    expect(fn('oldCache').presence).toBe('gone');
  });

  it('says when the rounds of the two sides overlap', () => {
    expect(fn('handler').separated).toBe(true);
    expect(fn('emit').separated).toBe(false);
  });

  it('reads the sources for the project’s functions only, on head', () => {
    expect(fn('deriveKey')).toMatchObject({ lines: [3, 5], hotLine: { line: 4, text: 'line 4' } });
    expect(fn('handler').changed).toBe(false);
    expect(fn('emit').changed).toBeNull();
    expect(fn('emit').lines).toBeUndefined();
    // A function gone at head has no lines there.
    expect(fn('oldCache').changed).toBeNull();
  });

  it('keeps the measured metric and bounds the list', () => {
    expect(diff.measured).toEqual({ key: 'api/GET /login/cpu', change: 9 });
    const small = diffProfiles({
      benchmark: 'api',
      per: 'request',
      base: BASE,
      head: HEAD,
      limit: 2,
    });
    expect(small.functions.map((f) => f.name)).toEqual(['deriveKey', 'handler']);
    expect(small.functions[0]!.changed).toBeNull();
  });

  it('has no share when the busy time did not grow', () => {
    const same = diffProfiles({ benchmark: 'b', per: 'run', base: HEAD, head: HEAD });
    expect(same.functions.every((f) => f.share === null)).toBe(true);
    expect(same.functions.every((f) => f.attributed.change === 0)).toBe(true);
  });
});
