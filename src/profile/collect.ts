// The post-decision hook: once the sampler has made its last look and every status is decided,
// the regressed Node.js targets (or every target, with `profile: always`) get V8 CPU profiles
// of base and head under the same load, in a few extra rounds per side, interleaved (base first
// in even rounds, head first in odd ones) so that the diff has its own noise estimate. The
// verdict's samples are never touched: this reads the decided comparisons, copies what it
// needs, and measures with servers and runs of its own. A target that cannot be profiled (not
// Node.js, a failed round) is a note, never a failure of the run.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { getErrorMessage } from '../errors.js';
import { profiledCommandRun } from '../kinds/command/profile-run.js';
import {
  type ProfiledServer,
  profiledRouteRound,
  startProfiledServer,
} from '../kinds/http/profile-round.js';
import type {
  BenchmarkConfig,
  CommandBenchmarkConfig,
  HttpBenchmarkConfig,
  HttpRequestConfig,
  Side,
  Tree,
} from '../model.js';
import type { Comparison } from '../result.js';
import {
  type CpuProfile,
  emptySummary,
  type LineMap,
  type ProfileSummary,
  summariseProfile,
} from './cpuprofile.js';
import { diffProfiles, type ProfiledRound, type SourceLookup } from './diff.js';
import { DEFAULT_PROFILE_POLICY, type ProfilePolicy } from './policy.js';
import { writeProfilerFiles } from './preload.js';
import type { ProfileEvidence, TargetProfile } from './schema.js';
import { readSources } from './source.js';
import { applySourceMaps } from './source-maps.js';

/** Profiled rounds per side: three give each function a spread of its own. */
export const PROFILED_ROUNDS = 3;

export const NOT_NODE_NOTE =
  'CPU profiles are for Node.js servers and commands (V8 profiles through a preload in NODE_OPTIONS)';

/** The modes whose report has a reader for the evidence: a nightly's bisect steps are not. */
export const PROFILED_MODES: readonly string[] = ['compare', 'collect', 'demo'];

/** Where the representative .cpuprofile of each side is copied (beside the result JSON), and the
 *  prefix of their names. */
export interface ProfileKeep {
  dir: string;
  prefix: string;
}

export interface ProfileRequest {
  benchmarks: readonly BenchmarkConfig[];
  sides: Record<Side, Tree>;
  /** The decided comparisons, read only: which targets regressed, and by how much. */
  comparisons: readonly Comparison[];
  /** The checkout, the merge-base and head: the pull request's diff. */
  cwd: string;
  mergeBase: string;
  head: string;
  /** The run's mode: only PROFILED_MODES profile. */
  mode?: string;
  rounds?: number;
  /** Nowhere when absent: the diff is still in the result. */
  keep?: ProfileKeep | undefined;
  signal?: AbortSignal | undefined;
  log?: (line: string) => void;
  /** Told once there is something to profile, before the first profiled run. */
  onStart?: () => void;
}

interface Target {
  bench: HttpBenchmarkConfig | CommandBenchmarkConfig;
  route?: HttpRequestConfig;
  measured?: { key: string; change: number };
}

/** What the policy and the statuses ask to profile, in the config's order. */
export function profileTargets(
  benchmarks: readonly BenchmarkConfig[],
  comparisons: readonly Comparison[],
): Target[] {
  const targets: Target[] = [];
  for (const bench of benchmarks) {
    if (bench.type !== 'http' && bench.type !== 'command') continue;
    const policy: ProfilePolicy = bench.profile ?? DEFAULT_PROFILE_POLICY;
    if (policy === 'never') continue;
    const routes = bench.type === 'http' ? bench.requests : [undefined];
    for (const route of routes) {
      const mine = comparisons.filter(
        (c) => c.benchmark === bench.name && c.target === route?.name,
      );
      const regressed = mine.filter((c) => c.status === 'regressed');
      if (policy === 'on-regression' && regressed.length === 0) continue;
      // CPU time per request is what a profile divides; the mean latency next; then any.
      const headline =
        regressed.find((c) => c.metric === 'cpu') ??
        regressed.find((c) => c.metric === 'mean') ??
        regressed[0];
      targets.push({
        bench,
        ...(route ? { route } : {}),
        ...(headline ? { measured: { key: headline.key, change: headline.change } } : {}),
      });
    }
  }
  return targets;
}

interface SideRounds {
  rounds: ProfiledRound[];
  /** Per round: the busiest process's file and its busy time per unit. */
  busiest: Array<{ file: string; perUnit: number }>;
}

/** Base's lines as they are on head (for base), so that a function matches across sides. */
function lineMapOf(side: Side, source: SourceLookup | undefined): LineMap | undefined {
  return side === 'base' && source ? (file, line) => source.headLine(file, line) : undefined;
}

async function summariseRound(
  files: string[],
  root: string,
  units: number,
  into: SideRounds,
  mapLine: LineMap | undefined,
) {
  const summary: ProfileSummary = emptySummary();
  let busiest = { file: '', busy: -1 };
  for (const file of files) {
    const profile = applySourceMaps(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, root);
    const own = summariseProfile(profile, root);
    if (own.totals.busyMs > busiest.busy) busiest = { file, busy: own.totals.busyMs };
    summariseProfile(profile, root, summary, mapLine);
  }
  into.rounds.push({ summary, units });
  into.busiest.push({ file: busiest.file, perUnit: units > 0 ? summary.totals.busyMs / units : 0 });
}

/** The round of median busy time: its busiest process's profile is the one kept. */
function representative(side: SideRounds): string | undefined {
  const sorted = side.busiest.filter((b) => b.file !== '').sort((a, b) => a.perUnit - b.perUnit);
  return sorted[Math.floor((sorted.length - 1) / 2)]?.file;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 50) || 'x'
  );
}

function orderOf(round: number): Side[] {
  return round % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
}

type Sides = Record<Side, SideRounds>;
const fresh = (): Sides => ({
  base: { rounds: [], busiest: [] },
  head: { rounds: [], busiest: [] },
});

/** A request with what the run prepared: the sources, the preload, a private directory. */
interface ProfileRun extends ProfileRequest {
  source: SourceLookup | undefined;
  root: string;
  preload: string;
}

async function profileRoute(
  target: Target & { bench: HttpBenchmarkConfig; route: HttpRequestConfig },
  servers: Record<Side, ProfiledServer>,
  request: ProfileRun,
  index: number,
): Promise<Sides | string> {
  const sides = fresh();
  const rounds = request.rounds ?? PROFILED_ROUNDS;
  // A warm-up round per side first, as the sampler's: the JIT's first hour is not the PR's.
  for (const side of orderOf(0)) {
    await profiledRouteRound(target.bench, servers[side], target.route, {
      name: 'warm-up',
      profile: false,
      signal: request.signal,
    });
  }
  for (let round = 0; round < rounds; round++) {
    for (const side of orderOf(round)) {
      const outcome = await profiledRouteRound(target.bench, servers[side], target.route, {
        name: `t${index}-r${round}`,
        profile: true,
        signal: request.signal,
      });
      if (outcome.processes === 0 || outcome.files.length === 0) {
        return `the ${side} server runs no Node.js process that loaded the profiler`;
      }
      const map = lineMapOf(side, request.source);
      const { dir } = request.sides[side];
      await summariseRound(outcome.files, dir, outcome.requests, sides[side], map);
    }
  }
  return sides;
}

async function profileHttp(
  bench: HttpBenchmarkConfig,
  targets: Target[],
  request: ProfileRun,
  first: number,
): Promise<Array<{ target: Target; sides: Sides | string }>> {
  const started: ProfiledServer[] = [];
  try {
    const servers = {} as Record<Side, ProfiledServer>;
    for (const side of ['base', 'head'] as const) {
      const controlDir = path.join(request.root, `${first}-${side}`);
      await mkdir(controlDir, { mode: 0o700 });
      request.log?.(`Profiling ${bench.name} (${side}): starting the server with the profiler`);
      servers[side] = await startProfiledServer(bench, request.sides[side], {
        preload: request.preload,
        controlDir,
      });
      started.push(servers[side]);
    }
    const out: Array<{ target: Target; sides: Sides | string }> = [];
    for (const [i, target] of targets.entries()) {
      const sides = await profileRoute(
        target as Target & { bench: HttpBenchmarkConfig; route: HttpRequestConfig },
        servers,
        request,
        first + i,
      );
      out.push({ target, sides });
    }
    return out;
  } finally {
    for (const s of started.toReversed()) await s.server.stop();
  }
}

async function profileCommand(
  bench: CommandBenchmarkConfig,
  request: ProfileRun,
  index: number,
): Promise<Sides | string> {
  const sides = fresh();
  for (let round = 0; round < (request.rounds ?? PROFILED_ROUNDS); round++) {
    for (const side of orderOf(round)) {
      const dir = path.join(request.root, `${index}-${side}-r${round}`);
      await mkdir(dir, { mode: 0o700 });
      const run = await profiledCommandRun(bench, request.sides[side], {
        preload: request.preload,
        dir,
        signal: request.signal,
      });
      if (!run.ok) return `its profiled ${side} run ${run.why}`;
      if (run.files.length === 0) return `the ${side} run started no Node.js process`;
      const map = lineMapOf(side, request.source);
      await summariseRound(run.files, request.sides[side].dir, 1, sides[side], map);
    }
  }
  return sides;
}

async function keepFiles(
  sides: Sides,
  name: string,
  keep: ProfileRequest['keep'],
): Promise<TargetProfile['files']> {
  if (!keep) return undefined;
  await mkdir(keep.dir, { recursive: true });
  const files = { base: '', head: '' };
  for (const side of ['base', 'head'] as const) {
    const source = representative(sides[side]);
    if (source === undefined) return undefined;
    files[side] = `${keep.prefix}${name}.${side}.cpuprofile`;
    await copyFile(source, path.join(keep.dir, files[side]));
  }
  return files;
}

async function describeTarget(
  target: Target,
  sides: Sides,
  source: SourceLookup | undefined,
  keep: ProfileKeep | undefined,
): Promise<TargetProfile> {
  const diff = diffProfiles({
    benchmark: target.bench.name,
    ...(target.route ? { target: target.route.name } : {}),
    per: target.route ? 'request' : 'run',
    base: sides.base.rounds,
    head: sides.head.rounds,
    ...(target.measured ? { measured: target.measured } : {}),
    ...(source ? { source } : {}),
  });
  // A file that cannot be kept loses its upload, not the diff.
  const kept = await keepFiles(sides, slug(label(target)), keep).catch(() => undefined);
  if (kept) diff.files = kept;
  return diff;
}

function label(target: Target): string {
  return target.route ? `${target.bench.name} ${target.route.name}` : target.bench.name;
}

/** Profiles what the decision asks for; undefined when it asks for nothing. */
export async function profileAfterDecision(
  request: ProfileRequest,
): Promise<ProfileEvidence | undefined> {
  if (request.mode !== undefined && !PROFILED_MODES.includes(request.mode)) return undefined;
  const targets = profileTargets(request.benchmarks, request.comparisons);
  if (targets.length === 0) return undefined;
  request.onStart?.();
  const started = Date.now();
  const notes: string[] = [];
  const profiles: TargetProfile[] = [];
  const files = await writeProfilerFiles();
  try {
    let source: SourceLookup | undefined;
    try {
      source = await readSources(
        request.cwd,
        request.sides.head.dir,
        request.mergeBase,
        request.head,
      );
    } catch (error) {
      notes.push(`The pull request's changed lines are unknown: ${getErrorMessage(error)}`);
    }
    const run: ProfileRun = { ...request, source, root: files.root, preload: files.preload };
    const results: Array<{ target: Target; sides: Sides | string }> = [];
    for (const [i, target] of targets.entries()) {
      if (target.route !== undefined) continue;
      request.log?.(
        `Profiling ${target.bench.name}: ${request.rounds ?? PROFILED_ROUNDS} runs per side`,
      );
      results.push({
        target,
        sides: await attempt(() => profileCommand(target.bench as CommandBenchmarkConfig, run, i)),
      });
    }
    const byServer = new Map<HttpBenchmarkConfig, Target[]>();
    for (const t of targets) {
      if (t.route === undefined) continue;
      const bench = t.bench as HttpBenchmarkConfig;
      byServer.set(bench, [...(byServer.get(bench) ?? []), t]);
    }
    let index = targets.length;
    for (const [bench, routes] of byServer) {
      const outcome = await attempt(() => profileHttp(bench, routes, run, index));
      index += routes.length;
      if (typeof outcome === 'string') {
        for (const target of routes) results.push({ target, sides: outcome });
      } else results.push(...outcome);
    }
    for (const { target, sides } of results) {
      if (typeof sides === 'string') {
        const notNode = /Node\.js/.test(sides);
        notes.push(
          `${label(target)} was not profiled: ${sides}.${notNode ? ` ${NOT_NODE_NOTE}.` : ''}`,
        );
        continue;
      }
      const made = await attempt(() => describeTarget(target, sides, source, request.keep));
      if (typeof made === 'string')
        notes.push(`${label(target)}: its profiles could not be read: ${made}.`);
      else profiles.push(made);
    }
    return { profiles, notes, elapsedMs: Date.now() - started };
  } finally {
    await files.dispose();
  }

  async function attempt<T>(work: () => Promise<T>): Promise<T | string> {
    try {
      return await work();
    } catch (error) {
      if (request.signal?.aborted) throw error;
      return getErrorMessage(error).split('\n')[0] ?? 'failed';
    }
  }
}
