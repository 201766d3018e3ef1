// The size cache through the whole pipeline, on a real git repository built at each commit: a
// config that mixes a bundle benchmark with a timed one (where no stored baseline can serve),
// the sizes byte for byte those of a run without a cache, cold and warm, against another
// merge-base, and with a damaged cache file (ignored and said).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { SIZE_CACHE_FOLDER, SizeCache } from '../../../src/history/size-cache.js';
import type { BundleOutcome } from '../../../src/kinds/bundle/probe.js';
import type { Config } from '../../../src/model.js';
import { runPipeline } from '../../../src/pipeline.js';
import type { Result } from '../../../src/result.js';
import { createRepo, type TestRepo } from '../../helpers/repo.js';
import { jsLikeText, mulberry32 } from './helpers.js';

const CONFIG = `build: node build.mjs
benchmarks:
  - name: web
    type: bundle
    files: ['dist/**/*.js']
    compression: [gzip, brotli]
  - { name: noop, type: command, run: "true" }
gate:
  threshold: 5%
  time-budget: 2s
  looks: [3]
`;
// Copies src/ to dist/, as a build of hashed chunks would leave most files unchanged.
const BUILD = `import { cpSync } from 'node:fs';
cpSync('src', 'dist', { recursive: true });
`;

let repo: TestRepo;
let work: string;
let config: Config;
const random = mulberry32(18);
const chunk = (n: number) =>
  `export const c${n} = ${JSON.stringify(jsLikeText(random, 800 + n * 97))};\n`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'perfgate-size-cache-pipeline-'));
  repo = createRepo('perfgate-size-cache-repo-');
  const files: Record<string, string> = { 'perfgate.yml': CONFIG, 'build.mjs': BUILD };
  for (let i = 0; i < 24; i++) files[`src/chunk-${i}.js`] = chunk(i);
  repo.commit('base', files);
  repo.git('branch', 'other'); // a second merge-base, changed below
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('head: two chunks changed, one added', {
    'src/chunk-3.js': chunk(103),
    'src/chunk-7.js': chunk(107),
    'src/chunk-new.js': chunk(200),
  });
  // Another merge-base: `other` moved on from the base, and `feature-2` forked from it.
  repo.git('checkout', '-q', 'other');
  repo.commit('other: one chunk changed', { 'src/chunk-11.js': chunk(111) });
  repo.git('checkout', '-q', '-b', 'feature-2');
  repo.commit('head 2: another chunk changed', { 'src/chunk-5.js': chunk(105) });
  repo.git('checkout', '-q', 'feature');
  config = parseConfig(CONFIG);
});

afterAll(() => {
  repo?.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** The bundle rows as decided, without timings. */
function bundleRows(result: Result) {
  return result.comparisons
    .filter((c) => c.benchmark === 'web')
    .map((c) => ({ key: c.key, base: c.base.median, head: c.head.median, status: c.status }));
}

async function run(base: string, sizeCache?: SizeCache, head = 'feature') {
  let outcome: BundleOutcome | undefined;
  const result = await runPipeline({
    cwd: repo.dir,
    config,
    mode: 'compare',
    base,
    head,
    ...(sizeCache ? { sizeCache } : {}),
    onBundle: (_, o) => {
      outcome = o;
    },
  });
  const compressed = outcome!.base.compressed + outcome!.head.compressed;
  return { result, compressed };
}

describe('the size cache in the pipeline, with a timed benchmark beside the bundle', {
  timeout: 180_000,
}, () => {
  it('gives the sizes of a run without it, cold, warm and against another merge-base', async () => {
    const root = join(work, 'cache');
    const without = await run('main');
    expect(bundleRows(without.result).length).toBeGreaterThan(5);
    expect(without.result.comparisons.some((c) => c.benchmark === 'noop')).toBe(true);

    // Cold: everything compressed, as without a cache, and kept.
    const cold = await run('main', new SizeCache(root));
    expect(bundleRows(cold.result)).toEqual(bundleRows(without.result));
    expect(cold.compressed).toBe(without.compressed);
    expect(readdirSync(join(root, SIZE_CACHE_FOLDER))).toHaveLength(1);

    // Warm, another process's view of the same directory: nothing compressed, the same sizes.
    const warm = await run('main', new SizeCache(root));
    expect(warm.compressed).toBe(0);
    expect(bundleRows(warm.result)).toEqual(bundleRows(without.result));
    expect(warm.result.notes.filter((n) => /size cache/i.test(n))).toEqual([]);

    // Another merge-base: only the two chunks no earlier run saw are compressed.
    const other = await run('other', new SizeCache(root), 'feature-2');
    expect(other.compressed).toBe(2);
    const otherWithout = await run('other', undefined, 'feature-2');
    expect(otherWithout.compressed).toBeGreaterThan(20);
    expect(bundleRows(other.result)).toEqual(bundleRows(otherWithout.result));
  });

  it('a damaged cache file is ignored and said in the result; the sizes are unchanged', async () => {
    const root = join(work, 'damaged');
    const reference = await run('main', new SizeCache(root));
    const dir = join(root, SIZE_CACHE_FOLDER);
    const [name] = readdirSync(dir);
    writeFileSync(join(dir, name!), 'PGSZ but not much else');
    const damaged = await run('main', new SizeCache(root));
    expect(damaged.compressed).toBe(reference.compressed);
    expect(bundleRows(damaged.result)).toEqual(bundleRows(reference.result));
    expect(damaged.result.notes).toContainEqual(
      `Bundle size cache file ${join(dir, name!)} ignored: it is not a perfgate size cache file; the sizes it held were computed again.`,
    );
  });
});
