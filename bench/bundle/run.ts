// Bundle sizing, perfgate vs size-limit, on a generated tree of build output.
//
//   npx tsx bench/bundle/run.ts [--files 5000] [--reps 5] [--seed 1] [--threads N] [--only-cache]
//
// Three scenarios, all gzip (level 9) and brotli (quality 11) of every file:
//  - one tree: what a single `size-limit` run does;
//  - base + head: what a pull-request gate does, here a head where 2% of the files changed,
//    0.5% were added and 0.5% removed. size-limit runs once per tree (as size-limit-action does);
//    perfgate measures both with one sizer, so contents the trees share are compressed once;
//  - base + head again, perfgate given the base sizes a baseline run saved (BundleSizer known);
//  - base + head where 3% of the files changed, perfgate's size cache (history/size-cache.ts)
//    warmed by an earlier run on another commit (the base with another 3% of its files changed):
//    each timed run starts from a copy of that cache, and its time includes reading and writing
//    it. Its sizes are checked against the same trees sized without a cache, run by run.
//    `--only-cache` runs this case alone (with the warm-up and checks it needs), for a loaded
//    machine where the whole bench takes too long.
// perfgate runs in this process (a fresh worker pool each run, start-up included); size-limit runs
// as its CLI (`size-limit --json` with a .size-limit.json), as users run it; its start-up time is
// printed so it can be subtracted by eye. Besides wall time, each tool's CPU time over all its
// threads is recorded (size-limit's through a preloaded cpu-usage.mjs): the work done, which
// other processes on the machine do not inflate the way they inflate wall time. Runs alternate AB, BA, AB… after one untimed warm-up of
// each, so background load and cache state hit both tools alike. Sizes must agree exactly.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { SizeCache } from '../../src/history/size-cache.js';
import { BundleSizer, type CompressedSizes } from '../../src/kinds/bundle/compress.js';
import { measureBundle } from '../../src/kinds/bundle/measure.js';
import type { BundleBenchmarkConfig, Tree } from '../../src/model.js';
import { generateFiles, headFiles, writeTree } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const SIZE_LIMIT_BIN = join(here, '../../node_modules/size-limit/bin.js');
const CPU_USAGE = join(here, 'cpu-usage.mjs');
const GLOBS = ['dist/**/*.js', 'dist/**/*.css'];

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    reps: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string' },
    'only-cache': { type: 'boolean', default: false },
  },
});
const fileCount = Number(values.files);
const reps = Number(values.reps);
const seed = Number(values.seed);
const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
const onlyCache = values['only-cache'] === true;
for (const [name, v] of Object.entries({ files: fileCount, reps, seed, threads })) {
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`--${name}: expected a positive integer, got ${v}`);
}

const bench: BundleBenchmarkConfig = {
  name: 'bench',
  type: 'bundle',
  files: GLOBS,
  compression: ['gzip', 'brotli'],
  groups: {},
  budgets: {},
};

interface Totals {
  gzip: number;
  brotli: number;
}

async function prepare(dir: string, files: ReturnType<typeof generateFiles>): Promise<number> {
  const bytes = await writeTree(dir, files);
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'bench-tree',
      private: true,
      devDependencies: { '@size-limit/file': '11.2.0' },
    }),
  );
  await writeFile(
    join(dir, '.size-limit.json'),
    JSON.stringify([
      { name: 'gzip', path: GLOBS, gzip: true },
      { name: 'brotli', path: GLOBS, brotli: true },
    ]),
  );
  return bytes;
}

function run(command: string, args: string[], cwd: string): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ out, err })
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

/** Work done, in CPU seconds over all threads, by the last sizing call of each tool. */
const cpu = { perfgate: 0, sizeLimit: 0 };

async function sizeLimit(dir: string): Promise<Totals> {
  const { out, err } = await run(
    process.execPath,
    ['--import', CPU_USAGE, SIZE_LIMIT_BIN, '--json'],
    dir,
  );
  const used = /perfgate-bench-cpu (\d+)/.exec(err);
  if (!used) throw new Error(`size-limit did not report its CPU time: ${err}`);
  cpu.sizeLimit += Number(used[1]) / 1e6;
  const results = JSON.parse(out) as Array<{ name: string; size: number }>;
  const size = (name: string) => results.find((r) => r.name === name)!.size;
  return { gzip: size('gzip'), brotli: size('brotli') };
}

function tree(side: 'base' | 'head', dir: string): Tree {
  return { side, ref: side, sha: side === 'base' ? '0000000' : '1111111', dir };
}

/** Contents the last perfgate call compressed, and contents it sized. */
const work = { compressed: 0, sized: 0 };

async function perfgate(
  dirs: string[],
  known?: Array<[string, CompressedSizes]>,
  cacheRoot?: string,
): Promise<Totals[]> {
  const before = process.cpuUsage(); // this process only runs perfgate: all of it is perfgate's
  // As the pipeline does: the cache read before measuring and written back after.
  const cache = cacheRoot === undefined ? undefined : new SizeCache(cacheRoot);
  await cache?.load();
  const sizer = new BundleSizer({ threads, known, ...(cache ? { store: cache } : {}) });
  try {
    const snaps = await Promise.all(
      dirs.map((d, i) => measureBundle(bench, tree(i === 0 ? 'base' : 'head', d), { sizer })),
    );
    await cache?.flush();
    const notes = cache?.takeNotes() ?? [];
    if (notes.length > 0) throw new Error(`size cache: ${notes.join(' ')}`);
    Object.assign(work, {
      compressed: sizer.stats.compressed,
      sized: sizer.stats.compressed + sizer.stats.reused,
    });
    return snaps.map((s) => ({
      gzip: s.files.reduce((a, f) => a + f.gzip!, 0),
      brotli: s.files.reduce((a, f) => a + f.brotli!, 0),
    }));
  } finally {
    await sizer.close();
    const used = process.cpuUsage(before);
    cpu.perfgate += (used.user + used.system) / 1e6;
  }
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function sameAll(a: Totals[], b: Totals[], what: string): void {
  for (const [i, x] of a.entries()) same(x, b[i]!, `${what} ${i === 0 ? 'base' : 'head'}`);
}

function same(a: Totals, b: Totals, what: string): void {
  if (a.gzip !== b.gzip || a.brotli !== b.brotli) {
    throw new Error(
      `${what}: sizes disagree: perfgate ${JSON.stringify(a)}, size-limit ${JSON.stringify(b)}`,
    );
  }
}

const loadBefore = loadavg()
  .map((x) => x.toFixed(1))
  .join(' ');
const root = await mkdtemp(join(tmpdir(), 'perfgate-bundle-bench-'));
try {
  const baseFiles = generateFiles(fileCount, seed);
  const head = headFiles(baseFiles, seed + 1);
  const baseDir = join(root, 'base');
  const headDir = join(root, 'head');
  // The cache case: a head with 3% of the files changed, and an earlier commit, the base with
  // another 3% of its files changed, whose run warmed the cache.
  const threePercent = { changed: 0.03, added: 0, removed: 0 };
  const head3 = headFiles(baseFiles, seed + 3, threePercent);
  const earlier = headFiles(baseFiles, seed + 2, threePercent);
  const head3Dir = join(root, 'head-3pct');
  const earlierDir = join(root, 'earlier');
  const [baseBytes, headBytes] = await Promise.all([
    prepare(baseDir, baseFiles),
    onlyCache ? 0 : prepare(headDir, head),
    prepare(head3Dir, head3),
    prepare(earlierDir, earlier),
  ]);
  const startup = await time(() => run(process.execPath, [SIZE_LIMIT_BIN, '--version'], baseDir));

  // Warm-up (untimed): page cache, module loading, and the agreement check. The cache case's
  // sizes without a cache, and size-limit's; then the earlier commit's run, which leaves the warm
  // cache every timed run of that case starts from (a copy of it).
  const uncached3 = await perfgate([baseDir, head3Dir]);
  const warmBase = uncached3[0]!;
  same(warmBase, await sizeLimit(baseDir), 'base');
  same(uncached3[1]!, await sizeLimit(head3Dir), 'head (3% changed)');
  if (!onlyCache) same((await perfgate([baseDir, headDir]))[1]!, await sizeLimit(headDir), 'head');
  const warmCache = join(root, 'cache-warm');
  await perfgate([earlierDir], undefined, warmCache);
  const runCache = join(root, 'cache-run');
  const freshCache = async () => {
    await rm(runCache, { recursive: true, force: true });
    await cp(warmCache, runCache, { recursive: true });
  };
  const cacheWork = { compressed: 0, sized: 0 };

  // What a baseline run on the default branch would have saved: the base tree's sizes.
  let baseline: Array<[string, CompressedSizes]> = [];
  if (!onlyCache) {
    const baselineSizer = new BundleSizer({ threads });
    try {
      await measureBundle(bench, tree('base', baseDir), { sizer: baselineSizer });
      baseline = await baselineSizer.saved();
    } finally {
      await baselineSizer.close();
    }
  }

  const allScenarios: Array<{
    name: string;
    /** Untimed, before each perfgate run. */
    setup?: () => Promise<void>;
    perfgate: () => Promise<unknown>;
    sizeLimit: () => Promise<unknown>;
  }> = [
    {
      name: `one tree (${baseFiles.length} files)`,
      perfgate: () => perfgate([baseDir]),
      sizeLimit: () => sizeLimit(baseDir),
    },
    {
      name: `base + head (${baseFiles.length} + ${head.length} files)`,
      perfgate: () => perfgate([baseDir, headDir]),
      sizeLimit: async () => [await sizeLimit(baseDir), await sizeLimit(headDir)],
    },
    {
      name: 'base + head, base sizes saved by a baseline run',
      perfgate: () => perfgate([baseDir, headDir], baseline),
      sizeLimit: async () => [await sizeLimit(baseDir), await sizeLimit(headDir)],
    },
    {
      name: `base + head, 3% of files changed (${baseFiles.length} + ${head3.length} files), cache warmed by an earlier run of another commit`,
      setup: freshCache,
      perfgate: async () => {
        const totals = await perfgate([baseDir, head3Dir], undefined, runCache);
        sameAll(totals, uncached3, 'with the size cache');
        Object.assign(cacheWork, work);
        return totals;
      },
      sizeLimit: async () => [await sizeLimit(baseDir), await sizeLimit(head3Dir)],
    },
  ];
  const scenarios = onlyCache ? allScenarios.slice(-1) : allScenarios;
  // The floor: brotli at quality 11 alone, one shot per file on this thread, every base file once.
  // Both tools must do at least this work to report the same bytes, so size-limit's CPU time over
  // it bounds the CPU speed-up any tool could reach on one cold tree.
  const brotliFloor = (() => {
    if (onlyCache) return 0;
    const before = process.cpuUsage();
    let bytes = 0;
    for (const f of baseFiles) {
      bytes += brotliCompressSync(f.text, {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 },
      }).length;
    }
    const used = process.cpuUsage(before);
    if (bytes !== warmBase.brotli) {
      throw new Error(`brotli floor: ${bytes} bytes, perfgate reported ${warmBase.brotli}`);
    }
    return (used.user + used.system) / 1e6;
  })();

  const rows: string[] = [];
  const oneTreeCpu = { perfgate: 0, sizeLimit: 0 };
  for (const s of scenarios) {
    const times = { perfgate: [] as number[], sizeLimit: [] as number[] };
    const cpuTimes = { perfgate: [] as number[], sizeLimit: [] as number[] };
    for (let r = 0; r < reps; r++) {
      const order =
        r % 2 === 0 ? (['perfgate', 'sizeLimit'] as const) : (['sizeLimit', 'perfgate'] as const);
      for (const tool of order) {
        if (tool === 'perfgate') await s.setup?.();
        cpu[tool] = 0;
        const t = await time(s[tool]);
        times[tool].push(t.ms);
        cpuTimes[tool].push(cpu[tool]);
        process.stderr.write(
          `${s.name} rep ${r + 1}/${reps} ${tool}: ${(t.ms / 1000).toFixed(2)} s\n`,
        );
      }
    }
    const p = median(times.perfgate);
    const l = median(times.sizeLimit);
    const fmt = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
    const pc = median(cpuTimes.perfgate);
    const lc = median(cpuTimes.sizeLimit);
    if (s === scenarios[0]) Object.assign(oneTreeCpu, { perfgate: pc, sizeLimit: lc });
    rows.push(
      `| ${s.name} | perfgate | ${(p / 1000).toFixed(2)} | ${fmt(times.perfgate)} | ${pc.toFixed(1)} | | |`,
    );
    rows.push(
      `| ${s.name} | size-limit 11 | ${(l / 1000).toFixed(2)} | ${fmt(times.sizeLimit)} | ${lc.toFixed(1)} | ${(l / p).toFixed(2)}× | ${(lc / pc).toFixed(2)}× |`,
    );
  }

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`date: ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpuModel}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`,
  );
  console.log(
    `tree: ${baseFiles.length} files, ${(baseBytes / 1e6).toFixed(1)} MB (head ${head.length} files, ${(headBytes / 1e6).toFixed(1)} MB${onlyCache ? ', not written' : ''}; the 3% head and the earlier commit ${head3.length} and ${earlier.length} files), seed ${seed}; gzip ${(warmBase.gzip / 1e6).toFixed(2)} MB, brotli ${(warmBase.brotli / 1e6).toFixed(2)} MB`,
  );
  console.log(
    `perfgate threads: ${threads}; size-limit CLI start-up alone: ${(startup.ms / 1000).toFixed(2)} s`,
  );
  console.log(
    `command: npx tsx bench/bundle/run.ts --files ${fileCount} --reps ${reps} --seed ${seed}${onlyCache ? ' --only-cache' : ''}`,
  );
  console.log('');
  console.log(
    `load average before / after: ${loadBefore} / ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log('');
  console.log(
    '| scenario | tool | median wall (s) | runs (s) | median CPU (s) | wall: size-limit / perfgate | CPU: size-limit / perfgate |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log('');
  console.log(
    `cache case: perfgate compressed ${cacheWork.compressed} contents for the ${cacheWork.sized} files of base and head (every other size read from the cache or shared by the two trees); its sizes equal those measured without a cache and size-limit's`,
  );
  if (!onlyCache) {
    console.log('');
    console.log(
      `brotli quality 11 alone (one thread, one shot per file, the base tree once): ${brotliFloor.toFixed(1)} CPU s, ` +
        `${((100 * brotliFloor) / oneTreeCpu.perfgate).toFixed(0)}% of perfgate's one-tree CPU; ` +
        `size-limit's one-tree CPU over it: ${(oneTreeCpu.sizeLimit / brotliFloor).toFixed(2)}×, the most a tool ` +
        'reporting the same brotli bytes could gain on one cold tree',
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
