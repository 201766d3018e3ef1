// Fixes from the CPU profiles' diff (profile/): each rule reads one target's per-function times
// and cites the function it is about, with the project function it was called from, whether
// that function is new or changed in the pull request, and the time it added per request (or
// run). Pure.
import type { ProfileEvidence, ProfileFunction, TargetProfile } from '../profile/schema.js';
import type { Advice } from '../result.js';

/** A change this small next to the target's busy time is noise, whatever its rounds say. */
const MIN_SHARE_OF_BUSY = 0.02;
/** A GC share that grew by this many points of the busy time. */
const GC_SHARE_POINTS = 0.05;
/** A driver's time per request that grew by this factor. */
const DRIVER_GROWTH = 1.5;
/** The functions a new dependency must be among to be "at the top". */
const TOP = 5;

const SYNC_CRYPTO =
  /^(pbkdf2Sync|scryptSync|hkdfSync|generateKeyPairSync|generatePrimeSync|checkPrimeSync)$/;
const SYNC_ZLIB =
  /^(gzipSync|gunzipSync|deflateSync|inflateSync|deflateRawSync|inflateRawSync|unzipSync|brotliCompressSync|brotliDecompressSync|zlibBufferSync|processChunkSync)$/;
const SYNC_CALL_TEXT =
  /\b(pbkdf2Sync|scryptSync|hkdfSync|generateKeyPairSync|gzipSync|gunzipSync|deflateSync|inflateSync|deflateRawSync|inflateRawSync|unzipSync|brotliCompressSync|brotliDecompressSync)\s*\(/;
const SYNC_FS =
  /^(readFileSync|writeFileSync|appendFileSync|statSync|lstatSync|fstatSync|existsSync|readdirSync|openSync|closeSync|readSync|writeSync|accessSync|realpathSync|mkdirSync|copyFileSync|rmSync|unlinkSync|renameSync|tryStatSync|tryReadSync)$/;
const JSON_TEXT = /\bJSON\.(stringify|parse)\s*\(/;
const SERIALISER_PACKAGES = new Set(['fast-json-stringify', 'safe-stable-stringify', 'superjson']);
const DRIVER_PACKAGES = new Set([
  'pg',
  'pg-pool',
  'postgres',
  'mysql',
  'mysql2',
  'mongodb',
  'mongoose',
  'sqlite3',
  'better-sqlite3',
  '@prisma/client',
  'knex',
  'sequelize',
  'typeorm',
  'drizzle-orm',
  'kysely',
  'ioredis',
  'redis',
  '@redis/client',
  'tedious',
  'mssql',
  'oracledb',
  'cassandra-driver',
]);
const DRIVER_CALL = /query|execute|exec|prepare|find|aggregate|run|all|get|send|command/i;
const LOGGING_PACKAGES = new Set([
  'pino',
  'winston',
  'bunyan',
  'log4js',
  'debug',
  'morgan',
  'loglevel',
  'signale',
  'consola',
  'roarr',
]);
const CONSOLE_FILES = /^node:internal\/(console\/constructor|util\/inspect)$/;

function ms(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`;
}

function where(fn: Pick<ProfileFunction, 'file' | 'line' | 'package'>): string {
  if (fn.file === '') return 'native code';
  return fn.line > 0 ? `${fn.file}:${fn.line}` : fn.file;
}

function targetName(t: TargetProfile): string {
  return t.target === undefined ? t.benchmark : `${t.benchmark} ${t.target}`;
}

/** The project function the time is about: the function itself, or the one it was called from. */
function citedFunction(t: TargetProfile, fn: ProfileFunction): ProfileFunction | undefined {
  if (fn.own) return fn;
  const from = fn.calledFrom;
  if (!from) return undefined;
  return t.functions.find((f) => f.own && f.name === from.name && f.file === from.file);
}

function prState(fn: ProfileFunction | undefined): string {
  if (!fn) return '';
  if (fn.presence === 'new' && fn.changed !== false) return ', new in this PR';
  if (fn.changed === true) return ', its lines changed in this PR';
  if (fn.presence === 'new') return ', new at head';
  return '';
}

function named(fn: Pick<ProfileFunction, 'name' | 'file' | 'line' | 'package'>): string {
  return `${fn.name} (${where(fn)})`;
}

/** One line of evidence: the function, its time on both sides and what it explains. */
export function functionEvidence(
  t: TargetProfile,
  fn: ProfileFunction,
  pick: 'total' | 'self' | 'attributed' = 'total',
): string {
  const time = fn[pick];
  const cited = citedFunction(t, fn);
  const from =
    !fn.own && fn.calledFrom
      ? `; called from ${named(fn.calledFrom)}${prState(cited)}`
      : prState(cited);
  const share =
    fn.share !== null && fn.share > 0 && pick === 'attributed'
      ? `, ${Math.round(fn.share * 100)}% of the added CPU time`
      : '';
  const noise = fn.separated ? '' : ' (within the rounds’ spread)';
  return (
    `${targetName(t)}: ${named(fn)} ${signed(time.change)} ms/${t.per} ` +
    `(${ms(time.base)} → ${ms(time.head)})${share}${noise}${from}`
  );
}

function grew(t: TargetProfile, fn: ProfileFunction, pick: 'total' | 'self' | 'attributed') {
  const change = fn[pick].change;
  return (
    change > 0 &&
    (fn.separated || fn.presence === 'new') &&
    change >= MIN_SHARE_OF_BUSY * Math.max(t.busy.head, t.busy.base)
  );
}

function metricsOf(t: TargetProfile): string[] {
  return t.measured ? [t.measured.key] : [];
}

function subject(t: TargetProfile, fn: ProfileFunction): string {
  const cited = citedFunction(t, fn) ?? (fn.calledFrom ? undefined : fn);
  const shown = cited ?? fn.calledFrom;
  return shown ? `${shown.name} (${where(shown)})` : named(fn);
}

interface Rule {
  rule: string;
  title: (t: TargetProfile, fn: ProfileFunction) => string;
  fix: string;
  /** Which time of the function shows the problem. */
  time: 'total' | 'self' | 'attributed';
  matches: (t: TargetProfile, fn: ProfileFunction) => boolean;
}

const FUNCTION_RULES: Rule[] = [
  {
    rule: 'sync-crypto-or-compression',
    title: (t, fn) =>
      `Synchronous ${SYNC_ZLIB.test(fn.name) ? 'compression' : 'key derivation'} in ${subject(t, fn)}`,
    fix: 'Use the asynchronous form (crypto.pbkdf2 / crypto.scrypt, zlib.gzip / brotliCompress, or util.promisify of them) so the event loop keeps serving other requests while the work runs on the thread pool, or cache the result (derive a key once per password and salt, compress a response once).',
    time: 'total',
    matches: (t, fn) =>
      (fn.file.startsWith('node:') && (SYNC_CRYPTO.test(fn.name) || SYNC_ZLIB.test(fn.name))) ||
      (fn.own && SYNC_CALL_TEXT.test(fn.hotLine?.text ?? '') && grew(t, fn, 'attributed')),
  },
  {
    rule: 'sync-fs-in-handler',
    title: (t, fn) => `Synchronous file system call ${fn.name} in ${subject(t, fn)}`,
    fix: 'Read the file once at start-up and keep it in memory, or use fs.promises in the handler: a synchronous call blocks every other request while the disk answers.',
    time: 'total',
    matches: (t, fn) => t.per === 'request' && fn.file === 'node:fs' && SYNC_FS.test(fn.name),
  },
  {
    rule: 'json-grown',
    title: (t, fn) => `More JSON serialisation per ${t.per} in ${subject(t, fn)}`,
    fix: 'Over-fetching: the response or the data parsed grew. Paginate, select fewer fields, or cache the serialised body instead of building and stringifying the whole object on every request.',
    time: 'attributed',
    matches: (_t, fn) =>
      (fn.own && JSON_TEXT.test(fn.hotLine?.text ?? '')) ||
      (fn.package !== undefined && SERIALISER_PACKAGES.has(fn.package)),
  },
  {
    rule: 'regex-backtracking',
    title: (t, fn) => `Regular expression time grew in ${subject(t, fn)}`,
    fix: 'Catastrophic backtracking is likely: anchor the pattern, bound its repetition ({1,64} rather than + or *), remove nested quantifiers such as (a+)+, or check the input length before matching.',
    time: 'self',
    matches: (_t, fn) => fn.name.startsWith('RegExp: '),
  },
  {
    rule: 'n-plus-one-query',
    title: (t, fn) => `More database driver time per request in ${subject(t, fn)}`,
    fix: 'An N+1 query is likely: the driver is called more per request (a CPU profile counts time, not calls, so it may also be a heavier query). Batch the look-ups (one query with IN (…) or a JOIN, a DataLoader) instead of one query per item.',
    time: 'total',
    matches: (_t, fn) =>
      fn.package !== undefined &&
      DRIVER_PACKAGES.has(fn.package) &&
      DRIVER_CALL.test(fn.name) &&
      (fn.presence === 'new' || fn.total.head >= DRIVER_GROWTH * fn.total.base),
  },
  {
    rule: 'logging-in-hot-path',
    title: (t, fn) => `Logging or object formatting grew in ${subject(t, fn)}`,
    fix: 'Logging or util.inspect in the hot path: log less per request (a level check first, no large objects), or use an asynchronous transport.',
    time: 'total',
    matches: (_t, fn) =>
      (fn.package !== undefined && LOGGING_PACKAGES.has(fn.package)) || CONSOLE_FILES.test(fn.file),
  },
];

/** One advice per rule and target: the function with the largest growth it matched. */
function functionRules(t: TargetProfile): Advice[] {
  const out: Advice[] = [];
  for (const rule of FUNCTION_RULES) {
    const hits = t.functions
      .filter((fn) => rule.matches(t, fn) && grew(t, fn, rule.time))
      .sort((a, b) => b[rule.time].change - a[rule.time].change);
    const first = hits[0];
    if (!first) continue;
    out.push({
      rule: rule.rule,
      title: rule.title(t, first),
      fix: rule.fix,
      evidence: hits.slice(0, 3).map((fn) => functionEvidence(t, fn, rule.time)),
      metrics: metricsOf(t),
    });
  }
  return out;
}

function gcRule(t: TargetProfile): Advice[] {
  const share = (side: 'base' | 'head') => (t.busy[side] > 0 ? t.gc[side] / t.busy[side] : 0);
  const points = share('head') - share('base');
  if (points < GC_SHARE_POINTS || t.gc.change <= 0) return [];
  const suspect = t.functions.find((fn) => fn.own && fn.attributed.change > 0);
  const evidence = [
    `${targetName(t)}: garbage collection ${signed(t.gc.change)} ms/${t.per} (${ms(t.gc.base)} → ${ms(t.gc.head)}), ${Math.round(share('base') * 100)}% → ${Math.round(share('head') * 100)}% of the CPU time`,
  ];
  if (suspect)
    evidence.push(
      `The largest growth in the project's code: ${functionEvidence(t, suspect, 'attributed')}`,
    );
  return [
    {
      rule: 'gc-pressure',
      title: suspect
        ? `More garbage collection: allocation in ${named(suspect)}?`
        : 'More garbage collection per request',
      fix: 'Allocation in a hot loop: reuse buffers and objects, avoid building intermediate arrays or strings per item (map/filter chains, concatenation, spread in a loop), and keep per-request caches bounded.',
      evidence,
      metrics: metricsOf(t),
    },
  ];
}

function newDependencyRule(t: TargetProfile): Advice[] {
  const basePackages = new Set(
    t.functions.filter((fn) => fn.presence !== 'new' && fn.package).map((fn) => fn.package),
  );
  const top = t.functions.filter((fn) => fn.attributed.change > 0).slice(0, TOP);
  const fn = top.find(
    (f) =>
      f.package !== undefined &&
      f.presence === 'new' &&
      !basePackages.has(f.package) &&
      grew(t, f, 'attributed'),
  );
  if (!fn) return [];
  return [
    {
      rule: 'new-dependency-at-top',
      title: `A new dependency at the top of the profile: ${fn.package}`,
      fix: `${fn.package} did not run at base and is now among the functions that added the most time: check it is needed on every ${t.per}, load it lazily, cache its result, or pick a lighter alternative.`,
      evidence: [functionEvidence(t, fn, 'attributed')],
      metrics: metricsOf(t),
    },
  ];
}

export function profileAdvice(evidence: ProfileEvidence): Advice[] {
  return evidence.profiles.flatMap((t) => [
    ...functionRules(t),
    ...gcRule(t),
    ...newDependencyRule(t),
  ]);
}
