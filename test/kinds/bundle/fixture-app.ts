// The fixture app of the integration test: a real git repository in a temp dir with two commits
// (base, and head that adds a dependency), checked out as worktrees and built with esbuild.
// The dependency is a local fake npm package written into node_modules, so no network is needed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { mulberry32 } from './helpers.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/bundle/app');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=perfgate test',
      '-c',
      'user.email=test@example.invalid',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** `tiny-util` at a version: a folding table of about 2 kB behind pad(), which every caller
 *  uses, so each bundled copy weighs something. v2 has an extra helper, so the copies differ. */
function tinyUtil(version: string): Record<string, string> {
  const random = mulberry32(99);
  const fold: Record<string, string> = {};
  for (let i = 0; i < 160; i++)
    fold[`k${Math.floor(random() * 1e6).toString(36)}`] = String(i % 10);
  const extra = version.startsWith('2')
    ? 'export function truncate(text, n) {\n  return text.length > n ? text.slice(0, n - 1) + "…" : text;\n}\n'
    : '';
  return {
    'package.json': JSON.stringify({
      name: 'tiny-util',
      version,
      type: 'module',
      main: 'index.js',
    }),
    'index.js':
      `const FOLD = ${JSON.stringify(fold)};\n` +
      "export function pad(value, width) {\n  const text = String(value);\n  return (FOLD[text] ?? text).padStart(width, '0');\n}\n" +
      'export function capitalize(text) {\n  return text.charAt(0).toUpperCase() + text.slice(1);\n}\n' +
      extra,
  };
}

/**
 * `heavy-date-lib`: locale tables for 60 made-up locales (tens of kB once minified) behind one
 * formatDate, which looks the table up by name so that none of it can be tree-shaken. It depends
 * on tiny-util 2, installed nested because the app pins tiny-util 1: the same package twice.
 */
function heavyDateLib(): Record<string, string> {
  const random = mulberry32(2024);
  const word = () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const n = 4 + Math.floor(random() * 7);
    let w = '';
    for (let i = 0; i < n; i++) w += letters[Math.floor(random() * 26)];
    return w;
  };
  const locales: string[] = [];
  for (let i = 0; i < 60; i++) {
    const months = Array.from({ length: 12 }, word);
    const days = Array.from({ length: 7 }, word);
    locales.push(
      `  'l${i}': { months: ${JSON.stringify(months)}, short: ${JSON.stringify(months.map((m) => m.slice(0, 3)))}, days: ${JSON.stringify(days)}, pattern: '${random() < 0.5 ? 'd m y' : 'y-m-d'}' },`,
    );
  }
  return {
    'package.json': JSON.stringify({
      name: 'heavy-date-lib',
      version: '3.2.1',
      type: 'module',
      main: 'index.js',
      dependencies: { 'tiny-util': '2.0.0' },
    }),
    'index.js':
      "import { pad, truncate } from 'tiny-util';\n\n" +
      `const LOCALES = {\n${locales.join('\n')}\n};\n\n` +
      'export function formatDate(date, locale) {\n' +
      '  const l = LOCALES[locale] ?? LOCALES.l0;\n  const d = pad(date.getUTCDate(), 2);\n' +
      '  const m = truncate(l.months[date.getUTCMonth()], 12);\n' +
      "  return l.pattern.replace('d', d).replace('m', m).replace('y', String(date.getUTCFullYear()));\n}\n",
  };
}

function writePackage(root: string, dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) write(root, `${dir}/${name}`, text);
}

export interface FixtureRepo {
  repo: string;
  baseSha: string;
  headSha: string;
}

/** The repository: base commit, then head adding heavy-date-lib (and tiny-util 2 beneath it). */
export function createFixtureRepo(root: string): FixtureRepo {
  const repo = join(root, 'repo');
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  cpSync(join(FIXTURE, 'base'), repo, { recursive: true });
  writePackage(repo, 'node_modules/tiny-util', tinyUtil('1.0.0'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  const baseSha = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'switch', '-q', '-c', 'feature');
  cpSync(join(FIXTURE, 'head'), repo, { recursive: true });
  writePackage(repo, 'node_modules/heavy-date-lib', heavyDateLib());
  writePackage(repo, 'node_modules/heavy-date-lib/node_modules/tiny-util', tinyUtil('2.0.0'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'head: format dates with heavy-date-lib');
  const headSha = git(repo, 'rev-parse', 'HEAD');
  return { repo, baseSha, headSha };
}

/** The app's production build: minified, split, hashed names, external source maps; the files
 *  of static/ copied next to it as they are. */
export async function buildApp(dir: string): Promise<void> {
  await build({
    absWorkingDir: dir,
    entryPoints: ['src/main.js'],
    bundle: true,
    minify: true,
    sourcemap: true,
    splitting: true,
    format: 'esm',
    outdir: 'dist',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    logLevel: 'silent',
  });
  cpSync(join(dir, 'static'), join(dir, 'dist'), { recursive: true });
}
