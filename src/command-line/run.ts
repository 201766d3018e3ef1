// The terminal front of perfgate: parse the command line, run one mode (modes/), write the
// reports, return the exit code. src/cli.ts only calls this; tests call it directly.
import { resolve } from 'node:path';
import { EXIT } from '../errors.js';
import { defaultSizeCacheRoot, SizeCache } from '../history/size-cache.js';
import { collect } from '../modes/collect.js';
import { compare } from '../modes/compare.js';
import { demo } from '../modes/demo.js';
import type { RunDeps, RunRequest } from '../modes/measure.js';
import { type MergeOutcome, merge } from '../modes/merge.js';
import { outcomeExitCode } from '../modes/outcome.js';
import { record } from '../modes/record.js';
import { trend } from '../modes/trend.js';
import { runPipeline } from '../pipeline.js';
import { renderTerminal } from '../report/terminal.js';
import { VERSION } from '../version.js';
import { fail } from './failure.js';
import { type CliArgs, parseCommandLine, USAGE } from './flags.js';
import { runInit } from './init.js';
import type { CliIo } from './io.js';
import { type ProgressDisplay, progressDisplay } from './progress-display.js';
import { writeMarkdownReport } from './report-files.js';

export type { CliIo } from './io.js';

/** Runs perfgate with the given arguments; never throws, returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs | 'help' | 'version';
  try {
    args = parseCommandLine(argv, io);
  } catch (error) {
    return fail(io, error);
  }
  if (args === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT.pass;
  }
  if (args === 'version') {
    io.stdout(`${VERSION}\n`);
    return EXIT.pass;
  }

  if (args.mode === 'init') {
    try {
      return runInit({ config: args.config, force: args.force === true }, io);
    } catch (error) {
      return fail(io, error);
    }
  }
  const display = progressDisplay(io, { columns: io.columns });
  try {
    const outcome = await runMode(args, cliRequest(args, io), cliDeps(io, display, args)).finally(
      () => display.close(),
    );
    await writeMarkdownReport(outcome.result, args, io);
    io.stdout(renderTerminal(outcome.result, { color: args.color }));
    return outcomeExitCode(outcome);
  } catch (error) {
    return fail(io, error);
  }
}

function runMode(args: CliArgs, request: RunRequest, deps: RunDeps): Promise<MergeOutcome> {
  switch (args.mode) {
    case 'compare':
      return compare(request, deps);
    case 'collect':
      return collect(request, deps);
    case 'record':
      return record(request, deps);
    case 'trend':
      return trend(
        {
          ...request,
          ...(args.history ? { history: args.history } : {}),
          ...(args['creep-days'] !== undefined ? { creepDays: args['creep-days'] } : {}),
        },
        deps,
      );
    case 'demo':
      return demo(request, deps);
    case 'merge':
      return merge(
        {
          files: args.files ?? [],
          cwd: request.cwd,
          ...(args['fail-on'] !== undefined ? { failOn: args['fail-on'] } : {}),
          ...(request.resultPath !== undefined ? { resultPath: request.resultPath } : {}),
        },
        deps,
      );
    case 'init':
      // runCli runs init itself, before any progress display: it measures nothing.
      throw new Error('init is not a measuring mode');
  }
}

/** The flags as a run request; --json is where the result JSON is written. */
function cliRequest(args: CliArgs, io: CliIo): RunRequest {
  return {
    cwd: io.cwd,
    configFile: args.config,
    overrides: {
      timeBudget: args.budget,
      threshold: args.threshold,
      seed: args.seed,
      failOn: args['fail-on'],
      shard: args.shard,
      ...(args.baseline !== undefined ? { baseline: args.baseline, baselineIsPath: true } : {}),
    },
    ...(args.base !== undefined ? { base: args.base } : {}),
    ...(args.head !== undefined ? { head: args.head } : {}),
    ...(args.json !== undefined ? { resultPath: resolve(io.cwd, args.json) } : {}),
  };
}

/** --size-cache DIR, or `off`, or the user's cache directory when the environment names one. */
function cliSizeCache(args: CliArgs, io: CliIo): SizeCache | undefined {
  const given = args['size-cache'];
  if (given === 'off') return undefined;
  const root = given === undefined ? defaultSizeCacheRoot(io.env) : resolve(io.cwd, given);
  return root === undefined ? undefined : new SizeCache(root);
}

function cliDeps(io: CliIo, display: ProgressDisplay, args: CliArgs): RunDeps {
  const sizeCache = cliSizeCache(args, io);
  return {
    measure: sizeCache ? (options) => runPipeline({ ...options, sizeCache }) : runPipeline,
    progress: display.progress,
    log: display.log,
    ...(display.outputGroup ? { outputGroup: display.outputGroup } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  };
}
