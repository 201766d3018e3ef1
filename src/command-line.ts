// The terminal front of perfgate: parse the command line, run one mode, write the reports,
// return the exit code. src/cli.ts only calls this; tests call it directly.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from './config/index.js';
import { createDemoRepository } from './demo/repository.js';
import {
  EXIT,
  exitCodeFor,
  getErrorHint,
  getErrorMessage,
  InterruptedError,
  UsageError,
} from './errors.js';
import { BaselineFileNotFoundError, readStoredBase } from './history/bundle-baseline.js';
import type { Config } from './model.js';
import { type PipelineOptions, runPipeline } from './pipeline.js';
import type { StoredBaseLookUp } from './plan.js';
import { serializeResult } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { renderTerminal } from './report/terminal.js';
import type { Result } from './result.js';
import { VERSION } from './version.js';

export interface CliIo {
  cwd: string;
  /** The report and anything a user pipes. */
  stdout: (text: string) => void;
  /** Progress, notes and errors. */
  stderr: (text: string) => void;
  /** Colour and live (overwritten) progress lines. */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const USAGE = `perfgate ${VERSION}: a performance regression gate for pull requests.

Usage:
  perfgate compare [options]   measure HEAD against its merge-base with the base branch
  perfgate collect [options]   the same; for CI jobs that only upload the result
  perfgate record  [options]   measure one commit (the baseline for later comparisons)
  perfgate demo    [options]   run the embedded example service through the whole pipeline

Options:
  -c, --config FILE       the config file (default: perfgate.yml)
      --base REF          the base branch or commit (default: the upstream default branch)
      --head REF          the head commit (default: HEAD)
      --baseline PATH     compare: the merge-base's stored bundle sizes (perfgate-baseline.json
                          of a record artifact, or its directory) instead of measuring it;
                          used only when every benchmark is a bundle benchmark
      --json FILE         write the result JSON here
      --markdown FILE     write the PR-comment markdown here
      --budget DURATION   time budget for sampling, e.g. 90s or 2m (overrides gate.time-budget)
      --threshold PERCENT smallest change that matters, e.g. 5% (overrides gate.threshold)
      --seed N            seed of every random source (overrides gate.seed)
      --no-color          plain output
  -h, --help              this text
  -v, --version           the version

Exit codes: 0 pass or inconclusive, 1 regression or budget exceeded,
            2 bad usage or config, 3 the measurement itself failed.`;

const MODES = ['compare', 'collect', 'record', 'demo'] as const;
type CliMode = (typeof MODES)[number];

interface CliArgs {
  mode: CliMode;
  config: string;
  base?: string;
  head?: string;
  json?: string;
  markdown?: string;
  budget?: string;
  threshold?: string;
  seed?: string;
  baseline?: string;
  color: boolean;
}

function parseCommandLine(argv: string[], io: CliIo): CliArgs | 'help' | 'version' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // node:util's messages name the flag; say what to do next.
    throw new UsageError(getErrorMessage(error), 'Run `perfgate --help` for the options.');
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [mode, ...rest] = positionals;
  if (mode === undefined) {
    throw new UsageError('no mode given', `Name one of: ${MODES.join(', ')}.`);
  }
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`unknown mode "${mode}"`, `Expected one of: ${MODES.join(', ')}.`);
  }
  if (rest.length > 0) {
    throw new UsageError(`unexpected argument "${rest[0]}"`, 'Options start with --; see --help.');
  }
  if (mode !== 'compare' && values.baseline !== undefined) {
    throw new UsageError(`--baseline has no meaning for ${mode}; it applies to compare`);
  }
  if (mode === 'record' && values.base !== undefined) {
    throw new UsageError('--base has no meaning for record, which measures one commit');
  }
  const args: CliArgs = {
    mode: mode as CliMode,
    config: values.config ?? 'perfgate.yml',
    color: io.isTty && !values['no-color'] && !io.env.NO_COLOR,
  };
  for (const key of [
    'base',
    'head',
    'json',
    'markdown',
    'budget',
    'threshold',
    'seed',
    'baseline',
  ] as const) {
    const value = values[key];
    if (value !== undefined) {
      if (value === '') throw new UsageError(`--${key} needs a value`);
      args[key] = value;
    }
  }
  return args;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      base: { type: 'string' },
      head: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      budget: { type: 'string' },
      threshold: { type: 'string' },
      seed: { type: 'string' },
      baseline: { type: 'string' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

async function resolveSettings(file: string, args: CliArgs): Promise<Config> {
  const { config } = await resolveConfig(file, {
    timeBudget: args.budget,
    threshold: args.threshold,
    seed: args.seed,
  });
  return config;
}

async function writeReportFile(cwd: string, path: string, text: string): Promise<string> {
  const target = resolve(cwd, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  return target;
}

function progressWriter(io: CliIo): (line: string) => void {
  if (!io.isTty) return (line) => io.stderr(`${line}\n`);
  // One live line, overwritten in place; the final report starts on a clean line.
  return (line) => io.stderr(`\r\x1b[2K${line}`);
}

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

  let demo: Awaited<ReturnType<typeof createDemoRepository>> | undefined;
  try {
    let cwd = io.cwd;
    let config: Config;
    let refs: Pick<PipelineOptions, 'base' | 'head'> = { base: args.base, head: args.head };
    if (args.mode === 'demo') {
      demo = await createDemoRepository();
      cwd = demo.dir;
      refs = { base: demo.base, head: demo.head };
      io.stderr(
        `perfgate demo: an example service at ${demo.dir}; branch ${demo.head} makes /orders slower and /products faster.\n`,
      );
      config = await resolveSettings(join(cwd, 'perfgate.yml'), args);
    } else {
      config = await resolveSettings(resolve(io.cwd, args.config), args);
    }

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
    return result.verdict === 'fail' ? EXIT.regression : EXIT.pass;
  } catch (error) {
    return fail(io, error);
  } finally {
    await demo?.dispose();
  }
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

async function writeReports(result: Result, args: CliArgs, io: CliIo): Promise<void> {
  if (args.json) {
    const path = await writeReportFile(io.cwd, args.json, serializeResult(result));
    io.stderr(`Result JSON written to ${path}\n`);
  }
  if (args.markdown) {
    const path = await writeReportFile(io.cwd, args.markdown, renderMarkdown(result));
    io.stderr(`Markdown report written to ${path}\n`);
  }
}

function fail(io: CliIo, cause: unknown): number {
  // Whatever broke after an interrupt (a server stopped mid-round…) is its consequence.
  const error = io.signal?.aborted ? io.signal.reason : cause;
  const code = exitCodeFor(error);
  if (error instanceof InterruptedError) {
    io.stderr(`${io.isTty ? '\r\x1b[2K' : ''}perfgate: ${error.message}\n`);
    return code;
  }
  const kind = code === EXIT.usage ? 'error' : 'measurement failed';
  io.stderr(`${io.isTty ? '\r\x1b[2K' : ''}perfgate: ${kind}: ${getErrorMessage(error)}\n`);
  const hint = getErrorHint(error);
  if (hint) io.stderr(`  ${hint}\n`);
  if (code === EXIT.usage && error instanceof UsageError)
    io.stderr('  (perfgate --help lists the options)\n');
  return code;
}
