// What `perfgate init` can tell of a repository from its files: package.json's scripts and lock
// file, built output (dist/, build/), static HTML, a size-limit or Lighthouse CI config, and
// benchmark files. Each finding is said as found or as guessed, so the user knows what to check.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface HttpGuess {
  start: string;
  paths: string[];
}

export interface LighthouseGuess {
  /** A directory of static files, served by perfgate; absent when the server serves them. */
  serve?: string;
  pages: string[];
}

export interface Findings {
  /** What was seen, as sentences. */
  found: string[];
  /** What was assumed, as sentences: each one for the user to check. */
  guessed: string[];
  /** How each tree is built before measuring, if it needs building. */
  build?: string;
  http?: HttpGuess;
  lighthouse?: LighthouseGuess;
  /** Globs of the bundle benchmark. */
  bundle?: string[];
  /** The project's own benchmarks as a timed command. */
  command?: string;
  /** The project's vitest benchmarks, each one compared (kinds/suite). */
  suite?: { run: string; format: 'vitest'; output: string };
}

interface PackageJson {
  scripts?: Record<string, string>;
  'size-limit'?: Array<{ path?: string | string[] }>;
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const OUTPUT_DIRS = ['dist', 'build', 'out'];
const BUNDLE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.css', '.wasm'];
const SKIPPED = new Set(['node_modules', '.git', 'coverage']);
/** Enough files to find benchmark files in a large repository without walking all of it. */
const WALK_LIMIT = 5_000;

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Files under `dir`, relative to `root`, skipping dependencies and VCS data. */
function walk(root: string, dir = root, out: string[] = []): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (out.length >= WALK_LIMIT) break;
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

/** The install command of the lock file there is. */
function installCommand(dir: string): string {
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) return 'pnpm install --frozen-lockfile';
  if (existsSync(join(dir, 'yarn.lock'))) return 'yarn install --frozen-lockfile';
  if (existsSync(join(dir, 'package-lock.json'))) return 'npm ci';
  return 'npm install';
}

/** size-limit's entries' paths (package.json's "size-limit" or .size-limit.json). */
function sizeLimitPaths(dir: string, pkg: PackageJson | undefined): [string, string[]] | undefined {
  const fromFile = readJson(join(dir, '.size-limit.json'));
  const [source, entries] = Array.isArray(fromFile)
    ? ['.size-limit.json', fromFile]
    : Array.isArray(pkg?.['size-limit'])
      ? ['package.json "size-limit"', pkg['size-limit']]
      : [undefined, undefined];
  if (!source || !entries) return undefined;
  const paths = (entries as Array<{ path?: unknown }>)
    .flatMap((e) => (Array.isArray(e?.path) ? e.path : [e?.path]))
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map((p) => p.replace(/^\.\//, ''));
  return paths.length > 0 ? [source, paths] : undefined;
}

/** Lighthouse CI's collect settings: the URLs' paths and a static directory. */
function lighthouseCi(dir: string): [string, LighthouseGuess] | undefined {
  for (const name of ['lighthouserc.json', '.lighthouserc.json']) {
    const rc = readJson(join(dir, name)) as
      | { ci?: { collect?: { url?: unknown; staticDistDir?: unknown } } }
      | undefined;
    const collect = rc?.ci?.collect;
    if (!collect) continue;
    const urls = (Array.isArray(collect.url) ? collect.url : [collect.url]).filter(
      (u): u is string => typeof u === 'string',
    );
    const pages = urls.map((u) => {
      try {
        const url = new URL(u);
        return url.pathname + url.search;
      } catch {
        return u.startsWith('/') ? u : '/';
      }
    });
    const serve =
      typeof collect.staticDistDir === 'string'
        ? collect.staticDistDir.replace(/^\.\//, '').replace(/\/$/, '')
        : undefined;
    return [
      name,
      { ...(serve ? { serve } : {}), pages: pages.length > 0 ? [...new Set(pages)] : ['/'] },
    ];
  }
  return undefined;
}

export function detectProject(dir: string): Findings {
  const f: Findings = { found: [], guessed: [] };
  const pkg = readJson(join(dir, 'package.json')) as PackageJson | undefined;
  const scripts = pkg?.scripts ?? {};
  if (pkg) {
    const names = Object.keys(scripts);
    f.found.push(
      `package.json${names.length > 0 ? ` with the scripts ${names.join(', ')}` : ' without scripts'}`,
    );
    const install = installCommand(dir);
    f.build = scripts.build ? `${install} && npm run build` : install;
    f.guessed.push(`each tree is set up with \`${f.build}\``);
  }

  const server = scripts.start ? 'npm start' : scripts.serve ? 'npm run serve' : undefined;
  if (server) {
    f.http = { start: server, paths: ['/'] };
    f.guessed.push(
      `\`${server}\` starts a server that listens on the port perfgate passes in $PORT`,
      'GET / is a route worth measuring (add your busiest routes)',
    );
  }

  const sizeLimit = sizeLimitPaths(dir, pkg);
  const outputs = OUTPUT_DIRS.filter((d) => isDir(join(dir, d)));
  if (sizeLimit) {
    f.found.push(`a size-limit config (${sizeLimit[0]}): ${sizeLimit[1].join(', ')}`);
    f.bundle = sizeLimit[1];
  } else if (outputs.length > 0) {
    const out = outputs[0]!;
    const files = walk(join(dir, out));
    const extensions = BUNDLE_EXTENSIONS.filter((ext) => files.some((file) => file.endsWith(ext)));
    f.found.push(`a built ${out}/ (${files.length} file${files.length === 1 ? '' : 's'})`);
    if (extensions.length > 0) {
      f.bundle = extensions.map((ext) => `${out}/**/*${ext}`);
      if (!scripts.build) f.guessed.push(`${out}/ is in the repository as it is measured`);
      else f.guessed.push(`\`npm run build\` writes ${out}/`);
    }
  }

  const rc = lighthouseCi(dir);
  if (rc) {
    f.found.push(`a Lighthouse CI config (${rc[0]}): pages ${rc[1].pages.join(', ')}`);
    f.lighthouse = rc[1];
    if (!rc[1].serve && !server) f.lighthouse = undefined;
  } else {
    const html = [...outputs, 'public', '.'].find((d) => existsSync(join(dir, d, 'index.html')));
    if (html !== undefined) {
      const where = html === '.' ? 'the repository root' : `${html}/`;
      f.found.push(`static HTML: index.html in ${where}`);
      f.lighthouse = { serve: html, pages: ['/'] };
    }
  }

  const benchFiles = walk(dir).filter((p) => /\.bench\.[cm]?[jt]sx?$/.test(p));
  const benchScript = ['bench', 'benchmark'].find((s) => scripts[s]);
  if (benchScript) {
    f.found.push(`a "${benchScript}" script: ${scripts[benchScript]}`);
    f.command = `npm run ${benchScript}`;
  }
  if (benchFiles.length > 0) {
    const shown = benchFiles.slice(0, 3).join(', ') + (benchFiles.length > 3 ? ', …' : '');
    f.found.push(
      `${benchFiles.length} benchmark file${benchFiles.length === 1 ? '' : 's'} (${shown})`,
    );
    const vitest = pkg?.devDependencies?.vitest ?? pkg?.dependencies?.vitest;
    if (vitest) {
      const output = 'perfgate-bench.json';
      f.suite = { run: `npx vitest bench --run --outputJson ${output}`, format: 'vitest', output };
      f.guessed.push('the *.bench files are vitest benchmarks (`vitest bench`)');
    }
  }
  return f;
}
