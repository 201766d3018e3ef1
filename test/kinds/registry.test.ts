import { describe, expect, it } from 'vitest';
import { CATALOGUES, headlineMetric, metricEntry } from '../../src/kinds/registry.js';
import { defaultDifferenceThreshold } from '../../src/verdict/gate.js';

describe('the metric catalogues', () => {
  const entries = Object.values(CATALOGUES).flat();

  it('name each metric once across every kind, so a metric name finds its entry', () => {
    const names = entries.map((e) => e.metric);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of entries) expect(metricEntry(entry.metric)).toBe(entry);
    expect(metricEntry('constructor')).toBeUndefined();
  });

  it('give every kind exactly one headline metric', () => {
    for (const [kind, catalogue] of Object.entries(CATALOGUES)) {
      expect(
        catalogue.filter((e) => e.headline),
        kind,
      ).toHaveLength(1);
      expect(headlineMetric(kind as keyof typeof CATALOGUES).headline).toBe(true);
    }
  });

  it('give a default threshold to every difference-scale metric and to no other', () => {
    for (const entry of entries) {
      expect(entry.threshold !== undefined, entry.metric).toBe(entry.scale === 'difference');
    }
  });

  it("give verdict each difference-scale metric's default δ, the score's in gate points", () => {
    const gate = { threshold: 0.05 };
    for (const entry of entries) {
      if (entry.threshold === undefined) continue;
      const spec = { key: `b/${entry.metric}`, metric: entry.metric, unit: entry.unit };
      const expected = entry.threshold.default === 'points' ? 5 : entry.threshold.default;
      expect(defaultDifferenceThreshold(spec, gate), entry.metric).toBeCloseTo(expected, 12);
    }
    expect(
      defaultDifferenceThreshold({ key: 'x', metric: 'max-potential-fid', unit: 'ms' }, gate),
    ).toBe(20);
    expect(() =>
      defaultDifferenceThreshold({ key: 'b/wall', metric: 'wall', unit: 'ms' }, gate),
    ).toThrow(
      'b/wall is compared as an absolute difference (unit ms) and has no default threshold',
    );
  });

  it('key budgets uniquely within a kind', () => {
    for (const [kind, catalogue] of Object.entries(CATALOGUES)) {
      const keys = catalogue.flatMap((e) => (e.budget ? [e.budget.key] : []));
      expect(new Set(keys).size, kind).toBe(keys.length);
    }
  });
});
