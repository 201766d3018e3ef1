// The terminal front of perfgate: parse the command line, run one mode, write the reports,
// return the exit code. src/cli.ts only calls this; tests call it directly.
import { resolve } from 'node:path';
import { resolveConfig } from '../config/index.js';
import { EXIT, UsageError } from '../errors.js';
import { BaselineFileNotFoundError, readStoredBase } from '../history/bundle-baseline.js';
import type { Config } from '../model.js';
import { type DemoRun, openDemo } from '../modes/demo.js';
import { type PipelineOptions, runPipeline } from '../pipeline.js';
import type { StoredBaseLookUp } from '../plan.js';
import { renderTerminal } from '../report/terminal.js';
import { applyFailOn } from '../verdict/fail-on.js';
import { VERSION } from '../version.js';
import { fail } from './failure.js';
import { type CliArgs, parseCommandLine, USAGE } from './flags.js';
import { type CliIo, progressWriter } from './io.js';
import { writeReports } from './report-files.js';

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

  let demo: DemoRun | undefined;
  try {
    let cwd = io.cwd;
    let configFile = resolve(io.cwd, args.config);
    let refs: Pick<PipelineOptions, 'base' | 'head'> = { base: args.base, head: args.head };
    if (args.mode === 'demo') {
      demo = await openDemo((line) => io.stderr(`${line}\n`));
      cwd = demo.cwd;
      configFile = demo.configFile;
      refs = { base: demo.base, head: demo.head };
    }
    const config = await resolveSettings(configFile, args);

    const progress = progressWriter(io);
    const result = await runPipeline({
      cwd,
      config,
      mode: args.mode,
      ...refs,
      ...(args.baseline ? { storedBase: fileBaseline(args.baseline, cwd, config) } : {}),
      onProgress: progress,
      log: (line) => io.stderr(`${io.isTty ? '\r\x1b[2K' : ''}${line}\n`),
      signal: io.signal,
    });
    if (io.isTty) io.stderr('\r\x1b[2K');

    await writeReports(result, args, io);
    io.stdout(renderTerminal(result, { color: args.color }));
    return applyFailOn(result.verdict, config.gate.failOn).fails ? EXIT.regression : EXIT.pass;
  } catch (error) {
    return fail(io, error);
  } finally {
    await demo?.dispose();
  }
}

async function resolveSettings(file: string, args: CliArgs): Promise<Config> {
  const { config } = await resolveConfig(file, {
    timeBudget: args.budget,
    threshold: args.threshold,
    seed: args.seed,
    failOn: args['fail-on'],
  });
  return config;
}

/** --baseline: the file is read once the merge-base is known, and judged by plan.ts. */
function fileBaseline(path: string, cwd: string, config: Config): StoredBaseLookUp {
  return {
    onlyWhereUsable: false,
    async find(mergeBase) {
      try {
        return await readStoredBase(resolve(cwd, path), config, mergeBase);
      } catch (error) {
        if (error instanceof BaselineFileNotFoundError)
          throw new UsageError(`--baseline: ${error.message}`);
        throw error;
      }
    },
  };
}
