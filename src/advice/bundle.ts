// Suggested fixes for a bundle benchmark, from the evidence of compareBundles: what grew, which
// packages appeared or are bundled twice, which files are not minified, which budgets broke.
// Pure: a function of the comparison and the budget checks verdict/budgets.ts made of it.
import type { BundleComparison, PackageDiff, SizeChange } from '../kinds/bundle/compare.js';
import { metricKey } from '../kinds/types.js';
import type { BudgetCheck } from '../model.js';
import { formatBytes } from '../report/format.js';
import type { Advice } from '../result.js';

export interface BundleAdviceOptions {
  /** A new or grown package at least this large (bytes of generated code) is "heavy". */
  heavyBytes: number;
  /** A module that grew to at least this many bytes is worth loading lazily. */
  lazyBytes: number;
  /** A package bundled more than once is worth deduplicating when the extra copies weigh this. */
  duplicateBytes: number;
  /** A file new on head at least this large (raw bytes) is worth a look: what is in it, and
   *  whether it must load with the page. */
  newFileBytes: number;
  /** At most this many advice items per rule. */
  perRule: number;
}

export const DEFAULT_BUNDLE_ADVICE: BundleAdviceOptions = {
  heavyBytes: 10_000,
  lazyBytes: 30_000,
  duplicateBytes: 1000,
  newFileBytes: 30_000,
  perRule: 5,
};

/** Lighter, common replacements for well-known heavy packages. */
export const LIGHTER_ALTERNATIVES: Readonly<Record<string, string>> = {
  moment: 'dayjs (about 3 kB, a moment-like API) or date-fns imported per function',
  'moment-timezone': 'Intl.DateTimeFormat with a timeZone option, or date-fns-tz',
  lodash:
    'lodash-es with per-method imports (import debounce from "lodash-es/debounce") or native methods',
  underscore: 'native Array and Object methods',
  axios: 'the built-in fetch',
  request: 'the built-in fetch',
  'node-fetch': 'the built-in fetch',
  'cross-fetch': 'the built-in fetch',
  'isomorphic-fetch': 'the built-in fetch',
  superagent: 'the built-in fetch',
  jquery: 'native DOM APIs (querySelector, classList, fetch)',
  bluebird: 'native Promise',
  q: 'native Promise',
  uuid: 'crypto.randomUUID()',
  classnames: 'clsx',
  numeral: 'Intl.NumberFormat',
  qs: 'URLSearchParams',
  'query-string': 'URLSearchParams',
  'crypto-js': 'the Web Crypto API (crypto.subtle)',
  'core-js': 'a modern browserslist target, so that fewer polyfills are included',
  '@babel/polyfill': 'a modern browserslist target, so that fewer polyfills are included',
  'highlight.js': 'highlight.js/lib/core with only the languages you register',
  validator: 'per-function imports (validator/lib/isEmail)',
  'left-pad': 'String.prototype.padStart',
};

const MAX_TEXT = 1000;

function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function percent(change: number): string {
  const sign = change > 0 ? '+' : '';
  return `${sign}${(change * 100).toFixed(1)}%`;
}

function signedBytes(delta: number): string {
  return `${delta > 0 ? '+' : delta < 0 ? '−' : ''}${formatBytes(Math.abs(delta))}`;
}

function describeChange(what: string, c: SizeChange): string {
  return `${what} ${c.metric}: ${formatBytes(c.base)} → ${formatBytes(c.head)} (${signedBytes(c.delta)}, ${percent(c.change)})`;
}

function versionList(pkg: PackageDiff): string {
  return pkg.headInstances
    .map((i) => `${i.version ?? 'unknown version'} at ${i.root} (${formatBytes(i.bytes)})`)
    .join('; ');
}

/** Suggested fixes for one benchmark, most pressing first. */
export function adviseBundle(
  comparison: BundleComparison,
  options: Partial<BundleAdviceOptions> & {
    /** This benchmark's budget checks (checkBundleBudgets): sizes and change limits. */
    budgets?: readonly BudgetCheck[];
  } = {},
): Advice[] {
  const o = { ...DEFAULT_BUNDLE_ADVICE, ...options };
  const bench = comparison.benchmark;
  const totalKeys = comparison.total.changes
    .filter((c) => c.delta > 0)
    .map((c) => metricKey(bench, 'total', c.metric));
  const totalEvidence = comparison.total.changes
    .filter((c) => c.delta !== 0)
    .map((c) => describeChange('total', c));
  const packages = comparison.composition?.packages ?? [];
  const growth = packages.filter((p) => p.delta > 0);
  const topGrowth = (n: number) =>
    [
      ...growth.map((p) => ({ name: `${p.name} (package)`, delta: p.delta })),
      ...(comparison.composition?.modules ?? [])
        .filter((m) => m.package === undefined && m.delta > 0)
        .map((m) => ({ name: m.id, delta: m.delta })),
    ]
      .sort((a, b) => b.delta - a.delta)
      .slice(0, n);
  // A head file's own metric keys (a file both sides have, or an added one); the totals stand
  // for a file whose sizes did not change.
  const fileKeys = (path: string) => {
    const keys = [
      ...comparison.files.filter((x) => x.head === path),
      ...comparison.added.filter((x) => x.path === path),
    ].flatMap((x) => x.changes.map((c) => metricKey(bench, x.target, c.metric)));
    return keys.length > 0 ? keys : totalKeys;
  };
  const out: Advice[] = [];

  // An asset past its budget: say by how much and what grew.
  const budgets = options.budgets ?? [];
  const exceeded = budgets.filter((b) => b.exceeded && b.unit !== 'ratio');
  for (const b of exceeded.slice(0, o.perRule)) {
    const target = b.target ?? 'total';
    const causes = topGrowth(3);
    const causeText = causes.length
      ? ` The largest growth comes from ${causes.map((c) => `${c.name} ${signedBytes(c.delta)}`).join(', ')}.`
      : '';
    out.push({
      rule: 'budget-exceeded',
      title: clip(
        `${bench}: ${target} ${b.metric} is over its budget by ${formatBytes(b.value - b.limit)}`,
      ),
      fix: clip(
        `Bring ${target} ${b.metric} back under ${formatBytes(b.limit)}: remove or replace what grew, or load it lazily.${causeText} If the growth is intended, raise budgets.${target}.${b.metric} in perfgate.yml in the same pull request.`,
        4000,
      ),
      evidence: [
        clip(
          `${target} ${b.metric} is ${formatBytes(b.value)}; the budget is ${formatBytes(b.limit)}`,
        ),
        ...totalEvidence,
        ...causes.map((c) => clip(`${c.name}: ${signedBytes(c.delta)} of generated code`)),
      ].slice(0, 50),
      metrics: [metricKey(bench, target, b.metric)],
    });
  }

  const overLimit = budgets.filter((c) => c.exceeded && c.unit === 'ratio');
  if (overLimit.length > 0) {
    const limit = overLimit[0]!.limit;
    out.push({
      rule: 'change-limit-exceeded',
      title: clip(
        `${bench}: ${overLimit.length} size${overLimit.length === 1 ? '' : 's'} grew more than ${percent(limit)}`,
      ),
      fix: clip(
        `Find what made these sizes grow (see the packages and modules below) and trim it, or raise maxChange for ${bench} if the growth is intended.`,
      ),
      evidence: overLimit
        .slice(0, 20)
        .map((c) =>
          clip(
            `${c.target ?? 'total'} ${c.metric.replace(/-change$/, '')}: ${percent(c.value)} (limit ${percent(c.limit)})`,
          ),
        ),
      metrics: overLimit
        .slice(0, 100)
        .map((c) => metricKey(bench, c.target, c.metric.replace(/-change$/, ''))),
    });
  }

  out.push(...newLargeFiles(comparison, o, totalEvidence));

  // A new heavy dependency: name it, and a lighter alternative where one is well known.
  for (const p of packages
    .filter((x) => x.status === 'added' && x.head >= o.heavyBytes)
    .slice(0, o.perRule)) {
    const alternative = LIGHTER_ALTERNATIVES[p.name];
    const version = p.headInstances.map((i) => i.version).find((v) => v !== undefined);
    const files = filesHolding(comparison, p.name);
    out.push({
      rule: 'new-heavy-dependency',
      title: clip(`${bench}: new dependency ${p.name} adds ${formatBytes(p.head)}`),
      fix: clip(
        `${p.name} is new in this pull request and adds ${formatBytes(p.head)} of minified code. ` +
          (alternative ? `Consider ${alternative} instead. ` : '') +
          'Import only the parts you use, or load it with a dynamic import() where it is needed so it leaves the initial bundle.',
        4000,
      ),
      evidence: [
        clip(
          `${p.name}${version ? `@${version}` : ''}: ${formatBytes(p.head)} of generated code, not present on base`,
        ),
        ...(files.length ? [clip(`in ${files.join(', ')}`)] : []),
        ...totalEvidence,
      ].slice(0, 50),
      metrics: totalKeys,
    });
  }

  // The same package bundled twice, from two paths or versions.
  const extraCopies = (p: PackageDiff) => p.head - Math.max(...p.headInstances.map((i) => i.bytes));
  const duplicates = packages.filter(
    (p) =>
      p.headInstances.length > 1 &&
      extraCopies(p) >= o.duplicateBytes &&
      (p.baseInstances.length < 2 || p.delta > 0),
  );
  for (const p of duplicates.slice(0, o.perRule)) {
    const versions = new Set(p.headInstances.map((i) => i.version ?? '?'));
    out.push({
      rule: 'duplicate-package',
      title: clip(`${bench}: ${p.name} is bundled ${p.headInstances.length} times`),
      fix: clip(
        `Deduplicate ${p.name}: ` +
          (versions.size > 1
            ? 'align the version ranges of the packages that depend on it, then run npm dedupe (pnpm dedupe, yarn dedupe), or pin one version with overrides (npm, pnpm) or resolutions (yarn).'
            : 'the same version is installed at two paths; npm dedupe (pnpm dedupe, yarn dedupe) merges them.') +
          ` About ${formatBytes(extraCopies(p))} would go.`,
        4000,
      ),
      evidence: [clip(`${p.name} on head: ${versionList(p)}`, 2000)],
      metrics: totalKeys,
    });
  }

  // A package that was already there but grew a lot (a major upgrade, a new deep import).
  for (const p of growth
    .filter((x) => x.status === 'grew' && x.delta >= o.heavyBytes)
    .slice(0, o.perRule)) {
    out.push({
      rule: 'dependency-grew',
      title: clip(`${bench}: ${p.name} grew by ${formatBytes(p.delta)}`),
      fix: clip(
        `Check what pulls in more of ${p.name}: a version upgrade, a new import of a heavy entry point, or a broader import (import * or the package root instead of a subpath). Import only what you use.`,
      ),
      evidence: [
        clip(`${p.name}: ${formatBytes(p.base)} → ${formatBytes(p.head)} of generated code`),
      ],
      metrics: totalKeys,
    });
  }

  // A large module that arrived or grew: candidates for a dynamic import().
  const lazy = (comparison.composition?.modules ?? []).filter(
    (m) => m.package === undefined && m.delta > 0 && m.head >= o.lazyBytes,
  );
  for (const m of lazy.slice(0, o.perRule)) {
    out.push({
      rule: 'lazy-load-module',
      title: clip(`${bench}: ${m.id} is ${formatBytes(m.head)}`),
      fix: clip(
        `If ${m.id} is not needed for the first screen, load it with a dynamic import() where it is used; bundlers then put it in its own chunk, fetched on demand.`,
      ),
      evidence: [
        clip(
          `${m.id}: ${formatBytes(m.base)} → ${formatBytes(m.head)} of generated code in ${m.files.join(', ')}`,
        ),
      ],
      metrics: totalKeys,
    });
  }

  // A file that is not minified.
  for (const f of comparison.unminified.filter((x) => x.changed).slice(0, o.perRule)) {
    out.push({
      rule: 'not-minified',
      title: clip(`${bench}: ${f.path} does not look minified`),
      fix: clip(
        'Minify production output: esbuild --minify, Vite build.minify (on by default), webpack mode: "production", or a CSS minifier for stylesheets. Check that this file is not copied verbatim from a source folder.',
      ),
      evidence: [
        clip(
          `${f.path}: ${formatBytes(f.raw)}, ${(f.whitespaceRatio * 100).toFixed(0)}% whitespace, ${(f.commentRatio * 100).toFixed(0)}% comment lines, ${Math.round(f.meanLineLength)} characters per line on average`,
        ),
      ],
      metrics: fileKeys(f.path),
    });
  }
  return out;
}

/** Names that bundlers give to chunks of dependencies (Vite, webpack splitChunks, Rollup). */
const VENDOR_CHUNK = /(?:^|[/._-])(?:vendors?|node_modules|deps|libs?)(?:[/._~-]|$)/i;

/** A large file new on head: what it holds (with source maps or a metafile) and how to keep it
 *  off the first load. */
function newLargeFiles(
  comparison: BundleComparison,
  o: BundleAdviceOptions,
  totalEvidence: string[],
): Advice[] {
  const bench = comparison.benchmark;
  const large = comparison.added
    .filter((f) => f.raw >= o.newFileBytes)
    .sort((a, b) => b.raw - a.raw || (a.path < b.path ? -1 : 1));
  return large.slice(0, o.perRule).map((f) => {
    const sizes = [
      `${formatBytes(f.raw)} raw`,
      ...(f.gzip === undefined ? [] : [`${formatBytes(f.gzip)} gzip`]),
      ...(f.brotli === undefined ? [] : [`${formatBytes(f.brotli)} brotli`]),
    ];
    const compressed = f.gzip ?? f.brotli;
    const compressedName = f.gzip !== undefined ? 'gzip' : 'brotli';
    const held = packagesIn(comparison, f.path);
    const named = held.slice(0, 5).map((p) => `${p.name} (${formatBytes(p.bytes)})`);
    const alternatives = held
      .filter((p) => LIGHTER_ALTERNATIVES[p.name] !== undefined)
      .slice(0, 3)
      .map((p) => `${p.name}: ${LIGHTER_ALTERNATIVES[p.name]}`);
    const packageBytes = held.reduce((sum, p) => sum + p.bytes, 0);
    const vendor = packageBytes * 2 >= f.raw || VENDOR_CHUNK.test(f.path);
    const what =
      held.length > 0
        ? `It holds ${named.join(', ')} of generated code${held.length > named.length ? ` and ${held.length - named.length} more packages` : ''}.`
        : vendor
          ? 'Its name marks it as a chunk of dependencies; a source map (build.sourcemap in Vite, devtool in webpack, --sourcemap in esbuild) would let perfgate say which packages it holds.'
          : 'No source map or metafile covers it, so perfgate cannot say what it holds.';
    const how = vendor
      ? 'If these dependencies are needed only on some pages or after an interaction, import the code that uses them with a dynamic import() where it is used, so this chunk is fetched on demand instead of with the first page; if the entry imports them statically, the chunk loads (and is preloaded) on every page.'
      : 'If this code is not needed for the first screen, load it with a dynamic import() where it is used, so it is fetched on demand; if it is, check that all of it is intended.';
    return {
      rule: 'new-large-file',
      title: clip(
        `${bench}: new file ${f.path} adds ${formatBytes(f.raw)}` +
          (compressed === undefined ? '' : ` (${formatBytes(compressed)} ${compressedName})`),
      ),
      fix: clip(
        `${f.path} is new in this pull request. ${what} ${how}` +
          (alternatives.length ? ` Lighter choices: ${alternatives.join('; ')}.` : ''),
        4000,
      ),
      evidence: [
        clip(`${f.path}: ${sizes.join(', ')}; not on base`),
        ...(named.length ? [clip(`${f.path} holds ${named.join(', ')}`)] : []),
        ...totalEvidence,
      ].slice(0, 50),
      metrics: f.changes.map((c) => metricKey(bench, f.target, c.metric)),
    };
  });
}

/** Packages with code in one head file, largest first (a module in several files counts fully
 *  in each, as the composition records it). */
function packagesIn(
  comparison: BundleComparison,
  path: string,
): Array<{ name: string; bytes: number }> {
  const bytes = new Map<string, number>();
  for (const m of Object.values(comparison.headComposition?.modules ?? {})) {
    if (m.package !== undefined && m.files.includes(path)) {
      bytes.set(m.package, (bytes.get(m.package) ?? 0) + m.bytes);
    }
  }
  return [...bytes]
    .map(([name, b]) => ({ name, bytes: b }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}

function filesHolding(comparison: BundleComparison, pkg: string): string[] {
  const files = new Set<string>();
  for (const m of Object.values(comparison.headComposition?.modules ?? {})) {
    if (m.package === pkg) for (const f of m.files) files.add(f);
  }
  return [...files].sort().slice(0, 10);
}
