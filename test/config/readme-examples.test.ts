// The perfgate.yml examples in the README load as they are: a user copies them first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const configs = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((text) => /^benchmarks:|^build:/m.test(text));

describe('the README', () => {
  it('has perfgate.yml examples, the quick start and the budgets among them', () => {
    expect(configs.length).toBeGreaterThanOrEqual(2);
    expect(configs.some((c) => c.includes('budgets:'))).toBe(true);
  });

  it.each(configs.map((text, i) => [i + 1, text] as const))('example %i loads', (_i, text) => {
    const config = parseConfig(text, 'README.md');
    expect(config.benchmarks.length).toBeGreaterThan(0);
  });

  it('reads the budgets example as written: a route key, a floor, a rate, a wall time, sizes', () => {
    const config = parseConfig(configs.find((c) => c.includes('budgets:'))!, 'README.md');
    const byName = Object.fromEntries(config.benchmarks.map((b) => [b.name, b]));
    expect(byName.api).toMatchObject({
      budgets: { p95: 100, 'error-rate': 0.001, throughput: 500, 'POST /orders/p95': 150 },
    });
    expect(byName.cli).toMatchObject({ budgets: { wall: 2000 } });
    expect(byName.web).toMatchObject({ budgets: { 'total.gzip': 200_000 }, maxChange: 0.05 });
  });
});
