// `perfgate demo` end to end, as the README promises: the slowed route regressed, the faster one
// improved, the unchanged one not regressed, exit 1, in under two minutes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { resultSchema } from '../../src/result.js';
import { VERSION } from '../../src/version.js';

it('reports the slowed route as regressed and the faster one as improved, and exits 1', () => {
  const out = mkdtempSync(join(tmpdir(), 'perfgate-demo-test-'));
  try {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [resolve('dist/cli/index.js'), 'demo', '--json', join(out, 'r.json')],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 150_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    expect(run.stderr).not.toContain('measurement failed');
    expect(run.status).toBe(1);
    expect(seconds).toBeLessThan(120);

    const result = resultSchema.parse(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')));
    expect(result.verdict).toBe('fail');
    const p50 = (target: string) =>
      result.comparisons.find((c) => c.target === target && c.metric === 'p50');
    expect(p50('POST /orders')?.status).toBe('regressed');
    expect(p50('POST /orders')?.change).toBeGreaterThan(0.3);
    expect(p50('GET /products')?.status).toBe('improved');
    expect(p50('GET /products')?.change).toBeLessThan(-0.2);
    const users = result.comparisons.filter((c) => c.target === 'GET /users');
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((c) => c.status === 'regressed')).toEqual([]);
    expect(run.stdout).toContain('POST /orders');
    expect(result.tool.version).toBe(VERSION);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);

it('keeps src/version.ts equal to package.json', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  expect(VERSION).toBe(pkg.version);
});
