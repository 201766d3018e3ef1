// Loading Lighthouse. The CLI depends on it normally; the bundled action (dist/, built by ncc
// with lighthouse external, because Lighthouse reads its own files at run time) has no
// node_modules, so there the pinned version is installed with npm into the runner's tool cache
// on first use and imported from that directory afterwards.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childEnvironment } from '../../workspace/child-environment.js';
import { spawnMarks } from '../../workspace/run-cookie.js';

/** The Lighthouse the action installs; 13 needs Node 22, and the action runs on Node 20. */
export const LIGHTHOUSE_VERSION = '12.8.2';

/** The parts of a Lighthouse result (LH.Result) perfgate reads. */
export interface LighthouseAuditResult {
  id: string;
  title?: string;
  score: number | null;
  scoreDisplayMode?: string;
  numericValue?: number;
  numericUnit?: string;
  displayValue?: string;
  details?: LighthouseAuditDetails;
  errorMessage?: string;
}

export interface LighthouseAuditDetails {
  type?: string;
  items?: Array<Record<string, unknown>>;
  overallSavingsMs?: number;
  overallSavingsBytes?: number;
  [field: string]: unknown;
}

export interface LighthouseResult {
  lighthouseVersion: string;
  requestedUrl?: string;
  finalDisplayedUrl?: string;
  audits: Record<string, LighthouseAuditResult>;
  categories: Record<string, { score: number | null } | undefined>;
  runtimeError?: { code: string; message: string };
  runWarnings?: string[];
}

/** `lighthouse(url, flags, config)`, the default export of the lighthouse package. */
export type RunLighthouse = (
  url: string,
  flags: Record<string, unknown>,
  config?: unknown,
) => Promise<{ lhr: LighthouseResult } | undefined>;

export interface LighthouseModule {
  default: RunLighthouse;
  /** The desktop preset (`lighthouse/core/config/desktop-config.js`). */
  desktopConfig: unknown;
  /** The default (mobile) configuration. */
  defaultConfig: unknown;
}

export interface LoadedLighthouse {
  lighthouse: LighthouseModule;
  /** `dependency`: the normal import; `tool-cache`: the pinned copy in `dir`. */
  from: 'dependency' | 'tool-cache';
  /** The installation directory, for `tool-cache`. */
  dir?: string;
  /** Whether this call ran npm install. */
  installed: boolean;
  /** The pinned version, for `tool-cache`; the dependency's own version shows in each result. */
  version?: string;
}

export class LighthouseLoadError extends Error {
  override name = 'LighthouseLoadError';
  constructor(
    message: string,
    readonly dir: string | undefined,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(
      output.trim() ? `${message}\nnpm's output ends with:\n${tail(output)}` : message,
      options,
    );
  }
}

export interface LoadLighthouseOptions {
  /** Base of the cache; RUNNER_TOOL_CACHE, else the system's temporary directory. */
  toolCacheDir?: string;
  /** The npm executable; `npm` on PATH unless given. */
  npm?: string;
  /** What npm installs; the pinned registry version unless given (tests pass a local tarball). */
  packageSpec?: string;
  /** Extra npm arguments (tests pass `--offline`). */
  npmArgs?: string[];
  /** The normal import; `import('lighthouse')` unless given (tests pass one that fails). */
  importDependency?: () => Promise<unknown>;
  env?: NodeJS.ProcessEnv;
  /** Limit on the npm install. */
  timeoutMs?: number;
  /** Told when an install starts, so a first run can say why it pauses. */
  log?: (line: string) => void;
}

function tail(text: string, lines = 20): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function asLighthouseModule(value: unknown, where: string): LighthouseModule {
  const mod = value as Partial<LighthouseModule> | null;
  if (
    typeof mod?.default !== 'function' ||
    typeof mod.desktopConfig !== 'object' ||
    typeof mod.defaultConfig !== 'object'
  ) {
    throw new LighthouseLoadError(
      `${where} is not a usable lighthouse package: expected a default export function and desktopConfig/defaultConfig objects`,
      undefined,
      '',
    );
  }
  return mod as LighthouseModule;
}

/** The cache directory of the pinned version: `<base>/perfgate-lighthouse/<version>`. */
export function lighthouseCacheDir(
  options: Pick<LoadLighthouseOptions, 'toolCacheDir' | 'env'> = {},
) {
  const env = options.env ?? process.env;
  const base = options.toolCacheDir ?? (env.RUNNER_TOOL_CACHE || tmpdir());
  return join(base, 'perfgate-lighthouse', LIGHTHOUSE_VERSION);
}

/** Version of the lighthouse package installed in `dir`, or undefined. */
function installedVersion(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(
      readFileSync(join(dir, 'node_modules', 'lighthouse', 'package.json'), 'utf8'),
    ) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

async function importFromDir(dir: string): Promise<LighthouseModule> {
  // Resolve as if from a file in `dir`: finds dir/node_modules/lighthouse's entry point.
  const entry = createRequire(join(dir, 'package.json')).resolve('lighthouse');
  return asLighthouseModule(await import(pathToFileURL(entry).href), entry);
}

function runNpm(
  npm: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      npm,
      args,
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) reject(Object.assign(error, { output }));
        else resolve(output);
      },
    );
  });
}

/**
 * Imports Lighthouse: the normal dependency when it resolves, else the pinned version from the
 * tool cache, installing it there first when absent. The install goes to a private directory
 * renamed into place only when complete, so a crash or a concurrent run never leaves a
 * half-installed cache behind.
 */
export async function loadLighthouse(
  options: LoadLighthouseOptions = {},
): Promise<LoadedLighthouse> {
  const importDependency = options.importDependency ?? (() => import('lighthouse'));
  try {
    const lighthouse = asLighthouseModule(await importDependency(), 'the lighthouse dependency');
    return { lighthouse, from: 'dependency', installed: false };
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
  }

  const env = options.env ?? process.env;
  const dir = lighthouseCacheDir(options);
  let installed = false;
  if (installedVersion(dir) !== LIGHTHOUSE_VERSION) {
    installed = true;
    const staging = `${dir}.installing-${process.pid}-${Date.now()}`;
    mkdirSync(staging, { recursive: true });
    // A package.json of its own keeps npm from walking up to some enclosing project.
    writeFileSync(
      join(staging, 'package.json'),
      `${JSON.stringify({ name: 'perfgate-lighthouse-cache', private: true }, null, 2)}\n`,
    );
    const spec = options.packageSpec ?? `lighthouse@${LIGHTHOUSE_VERSION}`;
    options.log?.(`Installing ${spec} into ${dir} (first use on this machine)…`);
    const args = [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--omit=dev',
      '--no-package-lock',
      '--loglevel=error',
      spec,
      ...(options.npmArgs ?? []),
    ];
    try {
      await runNpm(options.npm ?? 'npm', args, {
        cwd: staging,
        // Install scripts of Lighthouse's dependencies are third-party code: no runner secrets.
        env: childEnvironment(spawnMarks(), env),
        timeoutMs: options.timeoutMs ?? 300_000,
      });
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw new LighthouseLoadError(
        `Could not install ${spec} with npm into the tool cache (${dir}); ` +
          'check that npm is on PATH and the npm registry is reachable, or install lighthouse next to perfgate',
        dir,
        String((error as { output?: unknown }).output ?? (error as Error).message),
        { cause: error },
      );
    }
    const got = installedVersion(staging);
    if (got !== LIGHTHOUSE_VERSION) {
      rmSync(staging, { recursive: true, force: true });
      throw new LighthouseLoadError(
        `npm installed lighthouse ${got ?? '(nothing)'} from ${spec}; expected ${LIGHTHOUSE_VERSION}`,
        dir,
        '',
      );
    }
    // Replace a stale or broken copy; if another run finished first, keep theirs.
    if (existsSync(dir) && installedVersion(dir) !== LIGHTHOUSE_VERSION) {
      rmSync(dir, { recursive: true, force: true });
    }
    try {
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (installedVersion(dir) !== LIGHTHOUSE_VERSION) {
        throw new LighthouseLoadError(`Could not move Lighthouse into ${dir}`, dir, '', {
          cause: error,
        });
      }
    }
  }
  try {
    const lighthouse = await importFromDir(dir);
    return { lighthouse, from: 'tool-cache', dir, installed, version: LIGHTHOUSE_VERSION };
  } catch (error) {
    if (error instanceof LighthouseLoadError) throw error;
    throw new LighthouseLoadError(
      `Lighthouse ${LIGHTHOUSE_VERSION} in ${dir} could not be imported: ${(error as Error).message}; delete that directory to reinstall it`,
      dir,
      '',
      { cause: error },
    );
  }
}
