// The measuring half of compare, collect, record and demo, for the CLI and the action alike: the
// settings resolved once (perfgate.yml, then the flags' or inputs' overrides), where a stored
// baseline may come from, the pipeline, the result JSON on disk and what the gate says of it.
// The entries only say what to run and what to do with the outcome.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import {
  type ConfigOverrides,
  type OverrideNames,
  type ResolvedSettings,
  resolveConfig,
} from '../config/resolve.js';
import { UsageError } from '../errors.js';
import { BaselineFileNotFoundError, readStoredBase } from '../history/bundle-baseline.js';
import { preflightKinds } from '../kinds/registry.js';
import type { Config } from '../model.js';
import type { PipelineOptions } from '../pipeline.js';
import type { StoredBaseLookUp } from '../plan.js';
import { serializeResult } from '../report/json.js';
import type { Result } from '../result.js';
import type { RunProgress } from '../sampler/progress.js';
import type { OutputGroup } from '../workspace/build.js';
import { gateFailure, type ModeOutcome } from './outcome.js';

export type MeasuringMode = PipelineOptions['mode'];

/** What a run is asked to do, whichever entry asks. */
export interface RunRequest {
  /** The checkout to measure. */
  cwd: string;
  /** perfgate.yml, relative to `cwd` or absolute. */
  configFile: string;
  /** Settings over the file's, as typed. `baseline` is the action's policy (`auto`, `never`)
   *  or, with `baselineIsPath`, the CLI's --baseline path; absent means measure the base. */
  overrides?: ConfigOverrides & { baseline?: string; baselineIsPath?: boolean };
  /** How errors name each override: the CLI's flags unless told. */
  overrideNames?: OverrideNames;
  base?: string;
  head?: string;
  /** How reports name the base when `base` is a commit id (the pull request's base branch). */
  baseLabel?: string;
  /** Where the result belongs (the action's repository, report id, pull request), kept in it. */
  about?: Pick<Result, 'repository' | 'reportId' | 'pullRequest'>;
  /** Where the result JSON is written; nowhere when absent. */
  resultPath?: string;
}

export interface RunDeps {
  /** The pipeline (runPipeline); tests pass a stand-in. */
  measure(options: PipelineOptions): Promise<Result>;
  log(line: string): void;
  /** The run's progress: its phases, pairs and looks (sampler/progress.ts). */
  progress?(event: RunProgress): void;
  /** Where a build's output is shown: a folded group of a CI log. */
  outputGroup?(title: string): OutputGroup;
  signal?: AbortSignal;
  /** Called once the settings are resolved and before anything is built, so that a bad config
   *  fails before the action starts a check run. */
  settled?(settings: ResolvedSettings): Promise<void>;
  /** `baseline: auto`: where record's artifact of the merge-base is looked up (the action). */
  artifactBaseline?(config: Config): StoredBaseLookUp;
}

export interface RunOutcome extends ModeOutcome {
  result: Result;
  config: Config;
  resultPath?: string;
}

export async function measureRun(
  mode: MeasuringMode,
  request: RunRequest,
  deps: RunDeps,
  extra: Pick<PipelineOptions, 'onBundle'> = {},
): Promise<RunOutcome> {
  const settings = await settle(request, deps);
  const { config } = settings;
  const storedBase = storedBaseLookUp(settings, request, deps);
  if (settings.shard) {
    const { index, count, targets } = settings.shard;
    deps.log(`Shard ${index}/${count}: ${targets.join(', ')}`);
  }
  const measured = await deps.measure({
    cwd: request.cwd,
    config,
    mode,
    ...(request.base ? { base: request.base } : {}),
    ...(request.head ? { head: request.head } : {}),
    ...(request.baseLabel ? { baseLabel: request.baseLabel } : {}),
    ...(storedBase ? { storedBase } : {}),
    ...(extra.onBundle ? { onBundle: extra.onBundle } : {}),
    ...(deps.progress ? { onProgress: deps.progress } : {}),
    ...(deps.outputGroup ? { outputGroup: deps.outputGroup } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    log: deps.log,
    // A profiled target's .cpuprofile files go beside the result JSON, into its artifact.
    ...(request.resultPath !== undefined ? { profileKeep: profileKeep(request.resultPath) } : {}),
  });
  // A shard's result says which part it is, for `merge` to join the parts.
  const shard = settings.shard ? { shard: settings.shard } : {};
  return finishRun({ ...measured, ...request.about, ...shard }, config, request, deps);
}

/** The start of every measuring mode: the request's config resolved once, and said to
 *  `deps.settled` (the action starts its check run there, after a bad config has failed). */
export async function settle(
  request: Pick<RunRequest, 'cwd' | 'configFile' | 'overrides' | 'overrideNames'>,
  deps: Pick<RunDeps, 'settled'>,
): Promise<ResolvedSettings> {
  const settings = await resolveConfig(
    resolve(request.cwd, request.configFile),
    request.overrides ?? {},
    request.overrideNames,
  );
  // What the benchmarks need of the machine (Chrome), before a check run or a build.
  preflightKinds(settings.config.benchmarks);
  await deps.settled?.(settings);
  return settings;
}

/** The end of every measuring mode: the result JSON where the request asks, and the gate's
 *  outcome under the resolved fail-on. */
export async function finishRun(
  result: Result,
  config: Config,
  request: Pick<RunRequest, 'resultPath'>,
  deps: Pick<RunDeps, 'log'>,
): Promise<RunOutcome> {
  if (request.resultPath !== undefined) {
    await writeResult(request.resultPath, result);
    deps.log(`Result JSON written to ${request.resultPath}`);
  }
  return {
    result,
    config,
    ...(request.resultPath !== undefined ? { resultPath: request.resultPath } : {}),
    failure: gateFailure(result, config.gate.failOn),
  };
}

function profileKeep(resultPath: string) {
  return { dir: dirname(resultPath), prefix: `${basename(resultPath, '.json')}.` };
}

export async function writeResult(path: string, result: Result): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, serializeResult(result));
}

function storedBaseLookUp(
  settings: ResolvedSettings,
  request: RunRequest,
  deps: RunDeps,
): StoredBaseLookUp | undefined {
  const { baseline, config } = settings;
  switch (baseline.from) {
    case 'measure':
      return undefined;
    case 'file':
      return fileBaseline(
        resolve(request.cwd, baseline.path),
        config,
        request.overrideNames?.baseline ?? '--baseline',
      );
    case 'artifact':
      if (!deps.artifactBaseline) {
        // Only the action reads artifacts; no entry asks for this without giving the look-up.
        throw new Error('baseline: auto needs the GitHub API to look up the stored baseline');
      }
      return deps.artifactBaseline(config);
  }
}

/** A file named on purpose: read once the merge-base is known, and judged by plan.ts. */
function fileBaseline(path: string, config: Config, name: string): StoredBaseLookUp {
  return {
    onlyWhereUsable: false,
    async find(mergeBase) {
      try {
        return await readStoredBase(path, config, mergeBase);
      } catch (error) {
        if (error instanceof BaselineFileNotFoundError)
          throw new UsageError(`${name}: ${error.message}`);
        throw error;
      }
    },
  };
}
