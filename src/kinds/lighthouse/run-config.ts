// The Lighthouse configuration of every run: the preset's, cut down to the audits perfgate reads.
// Lighthouse resolves and validates every audit of the configuration it is given on each run,
// formatting each audit's strings, before it filters by category (core/config/config.js
// initializeConfig): ~180 audits took 1.5–10 s of every run on a loaded two-core machine, which a
// slow page's time budget pays once per run. The audits left out feed no metric, no evidence and
// no part of the performance score (its weights are on the metric audits, all kept).
import { PAGE_METRICS } from './catalogue.js';
import { EVIDENCE_AUDITS, LCP_ELEMENT_AUDIT, NETWORK_AUDIT } from './extract.js';
import type { LighthouseModule } from './loader.js';

/** Every audit the probe reads from a result: the metrics', the evidence and the two it reads
 *  for the resources loaded and the LCP element. */
export const READ_AUDITS: ReadonlySet<string> = new Set([
  ...PAGE_METRICS.flatMap((m) => ('audit' in m ? [m.audit] : [])),
  ...EVIDENCE_AUDITS,
  NETWORK_AUDIT,
  LCP_ELEMENT_AUDIT,
]);

type Json = Record<string, unknown>;

interface ConfigJson extends Json {
  extends?: unknown;
  settings?: Json;
  audits?: unknown[];
  categories?: Record<string, (Json & { auditRefs?: Array<{ id?: unknown }> }) | undefined>;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An audit entry's id: the last segment of its path (`metrics/speed-index`), a string or in
 *  `{ path }`, as Lighthouse names its own audits. */
function auditId(entry: unknown): string | undefined {
  const path = typeof entry === 'string' ? entry : isObject(entry) ? entry.path : undefined;
  return typeof path === 'string' ? path.split('/').at(-1) : undefined;
}

/** Settings merged as Lighthouse merges an `extends: 'lighthouse:default'` configuration's
 *  (config-helpers.js mergeConfigFragment under `settings`): objects key by key, anything else,
 *  arrays too, replaced. */
function mergeSettings(base: Json, extension: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(extension)) {
    if (value === undefined) continue;
    out[key] = isObject(value) && isObject(out[key]) ? mergeSettings(out[key], value) : value;
  }
  return out;
}

/**
 * The configuration for `preset`: Lighthouse's default configuration with only READ_AUDITS and
 * the performance category's references to them, and for desktop the desktop preset's settings
 * merged in as its `extends` would. A module whose configurations are not Lighthouse's own shapes
 * (a stand-in in tests) gets its preset configuration unchanged.
 */
export function runConfig(lighthouse: LighthouseModule, preset: 'desktop' | 'mobile'): unknown {
  const chosen = preset === 'desktop' ? lighthouse.desktopConfig : lighthouse.defaultConfig;
  const base = lighthouse.defaultConfig as ConfigJson | undefined;
  if (!isObject(base) || !isObject(chosen) || !Array.isArray(base.audits)) return chosen;
  const performance = base.categories?.performance;
  if (!Array.isArray(performance?.auditRefs)) return chosen;
  let settings = base.settings;
  if (chosen !== base) {
    const onlySettings = Object.keys(chosen).every(
      (key) => key === 'extends' || key === 'settings',
    );
    if (chosen.extends !== 'lighthouse:default' || !onlySettings) return chosen;
    settings = mergeSettings(base.settings ?? {}, isObject(chosen.settings) ? chosen.settings : {});
  }
  return {
    ...base,
    ...(settings !== undefined ? { settings } : {}),
    audits: base.audits.filter((entry) => READ_AUDITS.has(auditId(entry) ?? '')),
    categories: {
      performance: {
        ...performance,
        auditRefs: performance.auditRefs.filter(
          (ref) => typeof ref.id === 'string' && READ_AUDITS.has(ref.id),
        ),
      },
    },
  };
}
