// The cut-down Lighthouse configuration (src/kinds/lighthouse/run-config.ts) against the real
// Lighthouse's own resolution of it: the same settings as the preset, every audit the probe
// reads and nothing else, the same weighted metrics in the performance score. Resolution only:
// no Chromium, no page.
import { describe, expect, it } from 'vitest';
import { type LighthouseModule, loadLighthouse } from '../../../src/kinds/lighthouse/loader.js';
import { LIGHTHOUSE_FLAGS } from '../../../src/kinds/lighthouse/probe.js';
import { READ_AUDITS, runConfig } from '../../../src/kinds/lighthouse/run-config.js';

interface Resolved {
  settings: Record<string, unknown>;
  audits: Array<{ implementation: { meta: { id: string } } }>;
  categories: Record<string, { auditRefs: Array<{ id: string; weight: number }> }>;
}

// Lighthouse's own resolution (not part of its documented API; the version is pinned).
const { initializeConfig } = (await import('lighthouse/core/config/config.js')) as unknown as {
  initializeConfig(
    mode: 'navigation',
    config: unknown,
    flags: Record<string, unknown>,
  ): Promise<{ resolvedConfig: Resolved }>;
};
const { lighthouse } = await loadLighthouse();

const resolve = async (config: unknown) =>
  (await initializeConfig('navigation', config, { ...LIGHTHOUSE_FLAGS })).resolvedConfig;
const ids = (r: Resolved) => r.audits.map((a) => a.implementation.meta.id).sort();
const weighted = (r: Resolved) =>
  r.categories
    .performance!.auditRefs.filter((ref) => ref.weight > 0)
    .map((ref) => [ref.id, ref.weight]);

describe('runConfig', () => {
  for (const preset of ['mobile', 'desktop'] as const) {
    it(`${preset}: the preset's settings and score, only the audits the probe reads`, async () => {
      const full = await resolve(
        preset === 'desktop' ? lighthouse.desktopConfig : lighthouse.defaultConfig,
      );
      const cut = await resolve(runConfig(lighthouse, preset));
      expect(cut.settings).toEqual(full.settings);
      expect(cut.settings.formFactor).toBe(preset);
      expect(ids(cut)).toEqual([...READ_AUDITS].sort());
      // What Lighthouse loads and validates before it filters, the cost the cut saves.
      const listed = (config: unknown) => (config as { audits: unknown[] }).audits.length;
      expect(listed(lighthouse.defaultConfig)).toBeGreaterThan(
        listed(runConfig(lighthouse, preset)) * 4,
      );
      expect(weighted(cut)).toEqual(weighted(full));
      expect(weighted(cut).length).toBe(5);
    });
  }

  it('gives a module with configurations of other shapes its own, unchanged', () => {
    const standIn: LighthouseModule = {
      default: async () => undefined,
      desktopConfig: { extends: 'lighthouse:default', settings: { formFactor: 'desktop' } },
      defaultConfig: { extends: 'lighthouse:default' },
    };
    expect(runConfig(standIn, 'desktop')).toBe(standIn.desktopConfig);
    expect(runConfig(standIn, 'mobile')).toBe(standIn.defaultConfig);
    // A desktop preset with more than settings is not what the merge here knows how to do.
    const extended = {
      ...lighthouse,
      desktopConfig: { extends: 'lighthouse:default', settings: {}, audits: ['extra'] },
    };
    expect(runConfig(extended, 'desktop')).toBe(extended.desktopConfig);
    // Tests' probes that never run Lighthouse pass no configurations at all.
    const none = { default: standIn.default } as unknown as LighthouseModule;
    expect(runConfig(none, 'mobile')).toBeUndefined();
  });
});
