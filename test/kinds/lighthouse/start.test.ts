// The pipeline's start of lighthouse benchmarks: one real Chromium per run, shared by every
// lighthouse benchmark of it and closed with the run's other resources.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startKind } from '../../../src/kinds/registry.js';
import type { KindRun } from '../../../src/kinds/types.js';
import type { LighthouseBenchmarkConfig, Side, Tree } from '../../../src/model.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/lighthouse/', import.meta.url));

const bench = (name: string): LighthouseBenchmarkConfig => ({
  name,
  type: 'lighthouse',
  pages: ['/'],
  preset: 'desktop',
  budgets: {},
  serve: 'render-blocking',
});

describe('starting lighthouse benchmarks', () => {
  it('launches one Chromium for the run, shares it, and leaves its stop to the run', async () => {
    const tree = (side: Side): Tree => ({ side, ref: side, sha: '0'.repeat(40), dir: FIXTURES });
    const stops: Array<() => Promise<unknown>> = [];
    const run: KindRun = {
      sides: { base: tree('base'), head: tree('head') },
      log: () => {},
      onDispose: (stop) => stops.push(stop),
    };
    const first = await startKind(bench('home'), run);
    const second = await startKind(bench('home again'), run);
    if (!('probe' in first) || !('probe' in second)) throw new Error('expected probes');
    expect(first.probe.specs.map((s) => s.key)).toContain('home///lcp');
    expect(second.probe.specs.map((s) => s.key)).toContain('home again///max-potential-fid');
    // One stop: the shared Chromium's (the probes' own are the pipeline's to add).
    expect(stops).toHaveLength(1);
    for (const stop of stops.toReversed()) await stop();
  }, 60_000);
});
