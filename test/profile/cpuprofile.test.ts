// One CPU profile folded per function: constructed profiles for the arithmetic (self, total,
// attribution to the project's own frame, GC and idle apart), and a real one written by the
// preload in a real Node.js process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CpuProfile,
  type CpuProfileNode,
  frameId,
  functionKey,
  packageOf,
  summariseProfile,
} from '../../src/profile/cpuprofile.js';
import { PRELOAD_SOURCE, profilerEnvironment } from '../../src/profile/preload.js';

const ROOT = '/repo';

function node(
  id: number,
  functionName: string,
  url: string,
  line: number,
  children: number[] = [],
): CpuProfileNode {
  return { id, callFrame: { functionName, url, lineNumber: line - 1, columnNumber: 0 }, children };
}

/** A profile whose samples are 1 ms apart, each on the node given. */
function profile(nodes: CpuProfileNode[], samples: number[]): CpuProfile {
  return {
    nodes,
    startTime: 0,
    endTime: samples.length * 1000,
    samples,
    timeDeltas: samples.map((_, i) => (i === 0 ? 0 : 1000)),
  };
}

//  (root) ─ handler (own) ─ deriveKey (own) ─ pbkdf2Sync (node:internal) ─ run (native)
//         │               └ stringify (node_modules/fast-json-stringify)
//         ├ (garbage collector)
//         └ (idle)
const TREE = [
  node(1, '(root)', '', 0, [2, 6, 7]),
  node(2, 'handler', 'file:///repo/server.js', 10, [3, 5]),
  node(3, 'deriveKey', 'file:///repo/lib/auth.js', 3, [4]),
  node(4, 'pbkdf2Sync', 'node:internal/crypto/pbkdf2', 62, [8]),
  node(5, 'stringify', 'file:///repo/node_modules/fast-json-stringify/index.js', 40),
  node(6, '(garbage collector)', '', 0),
  node(7, '(idle)', '', 0),
  node(8, 'run', '', 0),
];

describe('summariseProfile', () => {
  // 4 ms in run, 1 in pbkdf2Sync, 2 in stringify, 1 in handler, 1 GC, 3 idle.
  const summary = summariseProfile(profile(TREE, [8, 8, 8, 8, 4, 5, 5, 2, 6, 7, 7, 7]), ROOT);
  const fn = (name: string, file: string) =>
    summary.functions.get(functionKey({ name, file, line: 0 }));

  it('keeps GC, idle and the program apart from the code', () => {
    expect(summary.totals).toEqual({
      sampledMs: 12,
      busyMs: 9,
      codeMs: 8,
      gcMs: 1,
      programMs: 0,
      idleMs: 3,
    });
  });

  it('counts self and total time per function, each sample once on a stack', () => {
    expect(fn('run', '')).toMatchObject({ selfMs: 4, totalMs: 4 });
    expect(fn('pbkdf2Sync', 'node:internal/crypto/pbkdf2')).toMatchObject({
      selfMs: 1,
      totalMs: 5,
    });
    expect(fn('deriveKey', 'lib/auth.js')).toMatchObject({ selfMs: 0, totalMs: 5 });
    expect(fn('handler', 'server.js')).toMatchObject({ selfMs: 1, totalMs: 8 });
  });

  it('charges time outside the project to the innermost own frame, and says where it went', () => {
    const derive = fn('deriveKey', 'lib/auth.js')!;
    expect(derive.attributedMs).toBe(5);
    // What deriveKey called (pbkdf2Sync), not the native job under it.
    expect(Object.keys(derive.spentIn)).toEqual([
      functionKey({ name: 'pbkdf2Sync', file: 'node:internal/crypto/pbkdf2', line: 0 }),
    ]);
    expect(fn('handler', 'server.js')!.attributedMs).toBe(3);
    expect(fn('run', '')!.attributedMs).toBe(0);
    const own = functionKey({ name: 'deriveKey', file: 'lib/auth.js', line: 0 });
    expect(fn('run', '')!.calledFrom).toEqual({ [own]: 4 });
    expect(fn('pbkdf2Sync', 'node:internal/crypto/pbkdf2')!.calledFrom).toEqual({ [own]: 5 });
    const attributed = [...summary.functions.values()].reduce((s, f) => s + f.attributedMs, 0);
    expect(attributed).toBe(summary.totals.codeMs);
  });

  it('names files relative to the tree, packages from node_modules, lines 1-based', () => {
    expect(fn('stringify', 'node_modules/fast-json-stringify/index.js')!.id).toEqual({
      name: 'stringify',
      file: 'node_modules/fast-json-stringify/index.js',
      line: 40,
      package: 'fast-json-stringify',
      own: false,
    });
    expect(fn('handler', 'server.js')!.id).toMatchObject({ line: 10, own: true });
  });

  it('adds several processes of one round together', () => {
    const both = summariseProfile(profile(TREE, [2, 2]), ROOT);
    summariseProfile(profile(TREE, [2, 7]), ROOT, both);
    expect(both.totals).toMatchObject({ busyMs: 3, idleMs: 1 });
    expect(
      both.functions.get(functionKey({ name: 'handler', file: 'server.js', line: 0 }))!.selfMs,
    ).toBe(3);
  });

  it('moves base lines to head with the line map, for the project only', () => {
    const moved = summariseProfile(profile(TREE, [3]), ROOT, undefined, (_f, line) => line + 7);
    expect(
      moved.functions.get(functionKey({ name: 'deriveKey', file: 'lib/auth.js', line: 0 }))!.id
        .line,
    ).toBe(10);
  });
});

describe('frames', () => {
  it('packageOf takes the innermost node_modules package, scoped or not', () => {
    expect(packageOf('node_modules/pg/lib/client.js')).toBe('pg');
    expect(packageOf('node_modules/@prisma/client/runtime/x.js')).toBe('@prisma/client');
    expect(packageOf('node_modules/a/node_modules/@s/b/i.js')).toBe('@s/b');
    expect(packageOf('src/app.js')).toBeUndefined();
  });

  it('a file outside the tree is not the project’s own', () => {
    const id = frameId(
      { functionName: '', url: 'file:///elsewhere/x.js', lineNumber: 0, columnNumber: 0 },
      ROOT,
    );
    expect(id).toEqual({ name: '(anonymous)', file: '/elsewhere/x.js', line: 1, own: false });
  });
});

describe('the preload in a real Node.js process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-preload-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a whole-run profile at exit whose busiest own function is the one doing the work', () => {
    writeFileSync(join(dir, 'preload.cjs'), PRELOAD_SOURCE);
    writeFileSync(
      join(dir, 'work.js'),
      [
        "const crypto = require('node:crypto');",
        'function hashMany() {',
        '  for (let i = 0; i < 60; i++) crypto.pbkdf2Sync(String(i), "salt", 2000, 32, "sha256");',
        '}',
        'hashMany();',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('node', ['work.js'], {
      cwd: dir,
      env: {
        ...process.env,
        ...profilerEnvironment(join(dir, 'preload.cjs'), { run: out }, undefined),
      },
    });
    const files = readdirSync(out).filter((f) => f.endsWith('.cpuprofile'));
    expect(files).toHaveLength(1);
    const summary = summariseProfile(JSON.parse(readFileSync(join(out, files[0]!), 'utf8')), dir);
    const own = [...summary.functions.values()].filter((f) => f.id.own);
    own.sort((a, b) => b.attributedMs - a.attributedMs);
    expect(own[0]!.id).toMatchObject({ name: 'hashMany', file: 'work.js', line: 2 });
    expect(own[0]!.attributedMs).toBeGreaterThan(0.5 * summary.totals.busyMs);
  });
});
