import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIGHTHOUSE_VERSION,
  LighthouseLoadError,
  lighthouseCacheDir,
  loadLighthouse,
} from '../../../src/kinds/lighthouse/loader.js';

const STAND_IN = new URL('../../fixtures/lighthouse/stand-in-lighthouse/', import.meta.url)
  .pathname;
const work = mkdtempSync(join(tmpdir(), 'perfgate-loader-test-'));
let tarball: string;

/** What `import('lighthouse')` throws where there is no node_modules (the bundled action). */
const notInstalled = async () => {
  throw Object.assign(new Error("Cannot find package 'lighthouse'"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
};

/** Packs a package directory into a tarball in `work`, offline. */
function pack(dir: string): string {
  const out = execFileSync('npm', ['pack', dir, '--pack-destination', work, '--silent'], {
    cwd: work,
    encoding: 'utf8',
  });
  return join(work, out.trim().split('\n').pop()!);
}

beforeAll(() => {
  tarball = pack(STAND_IN);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('loadLighthouse', () => {
  it('imports the lighthouse dependency when it resolves (the CLI)', async () => {
    const loaded = await loadLighthouse({ toolCacheDir: join(work, 'unused') });
    expect(loaded.from).toBe('dependency');
    expect(loaded.installed).toBe(false);
    expect(typeof loaded.lighthouse.default).toBe('function');
    expect(loaded.lighthouse.desktopConfig).toMatchObject({ settings: { formFactor: 'desktop' } });
    expect(existsSync(join(work, 'unused'))).toBe(false);
    const pkg = JSON.parse(readFileSync('node_modules/lighthouse/package.json', 'utf8'));
    // The dependency is the version the action pins.
    expect(pkg.version).toBe(LIGHTHOUSE_VERSION);
  });

  it('without the dependency: installs the pinned package into the tool cache once, then imports it from there', async () => {
    const cache = join(work, 'tool-cache');
    const logged: string[] = [];
    const first = await loadLighthouse({
      toolCacheDir: cache,
      packageSpec: tarball,
      npmArgs: ['--offline'],
      importDependency: notInstalled,
      log: (line) => logged.push(line),
    });
    const dir = join(cache, 'perfgate-lighthouse', LIGHTHOUSE_VERSION);
    expect(first).toMatchObject({ from: 'tool-cache', dir, installed: true });
    expect(first.version).toBe(LIGHTHOUSE_VERSION);
    expect(logged.join('\n')).toContain(`into ${dir}`);
    const entry = pathToFileURL(join(dir, 'node_modules', 'lighthouse', 'core', 'index.js')).href;
    expect((first.lighthouse as unknown as { importedFrom: string }).importedFrom).toBe(entry);
    // No staging directory is left next to the installation.
    expect(readdirSync(join(cache, 'perfgate-lighthouse'))).toEqual([LIGHTHOUSE_VERSION]);

    // Second use: npm is not even runnable now, so any reinstall attempt would fail.
    const second = await loadLighthouse({
      toolCacheDir: cache,
      npm: join(work, 'no-npm-here'),
      importDependency: notInstalled,
    });
    expect(second).toMatchObject({ from: 'tool-cache', dir, installed: false });
    expect((second.lighthouse as unknown as { importedFrom: string }).importedFrom).toBe(entry);
  });

  it('takes the cache base from RUNNER_TOOL_CACHE, else the temporary directory', () => {
    expect(lighthouseCacheDir({ env: { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' } })).toBe(
      join('/opt/hostedtoolcache', 'perfgate-lighthouse', LIGHTHOUSE_VERSION),
    );
    expect(lighthouseCacheDir({ env: {} })).toBe(
      join(tmpdir(), 'perfgate-lighthouse', LIGHTHOUSE_VERSION),
    );
    expect(lighthouseCacheDir({ env: { RUNNER_TOOL_CACHE: '/x' }, toolCacheDir: '/y' })).toBe(
      join('/y', 'perfgate-lighthouse', LIGHTHOUSE_VERSION),
    );
  });

  it('replaces a stale copy of another version in the cache', async () => {
    const cache = join(work, 'stale-cache');
    const dir = join(cache, 'perfgate-lighthouse', LIGHTHOUSE_VERSION);
    mkdirSync(join(dir, 'node_modules', 'lighthouse'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'lighthouse', 'package.json'),
      JSON.stringify({ name: 'lighthouse', version: '11.0.0' }),
    );
    const loaded = await loadLighthouse({
      toolCacheDir: cache,
      packageSpec: tarball,
      npmArgs: ['--offline'],
      importDependency: notInstalled,
    });
    expect(loaded.installed).toBe(true);
    const pkg = JSON.parse(
      readFileSync(join(dir, 'node_modules', 'lighthouse', 'package.json'), 'utf8'),
    );
    expect(pkg.version).toBe(LIGHTHOUSE_VERSION);
  });

  it('refuses a package of another version and leaves no cache behind', async () => {
    const other = join(work, 'other-version');
    cpSync(STAND_IN, other, { recursive: true });
    const pkgPath = join(other, 'package.json');
    writeFileSync(
      pkgPath,
      JSON.stringify({ ...JSON.parse(readFileSync(pkgPath, 'utf8')), version: '99.0.0' }),
    );
    const otherTarball = pack(other);
    const cache = join(work, 'wrong-version-cache');
    const attempt = loadLighthouse({
      toolCacheDir: cache,
      packageSpec: otherTarball,
      npmArgs: ['--offline'],
      importDependency: notInstalled,
    });
    await expect(attempt).rejects.toThrow(LighthouseLoadError);
    await expect(attempt).rejects.toThrow(`installed lighthouse 99.0.0`);
    expect(readdirSync(join(cache, 'perfgate-lighthouse'))).toEqual([]);
  });

  it('a failed npm install: a typed error with npm output and the fix, no half-installed cache', async () => {
    const cache = join(work, 'failed-cache');
    let error: unknown;
    try {
      await loadLighthouse({
        toolCacheDir: cache,
        packageSpec: join(work, 'does-not-exist.tgz'),
        npmArgs: ['--offline'],
        importDependency: notInstalled,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LighthouseLoadError);
    const e = error as LighthouseLoadError;
    expect(e.name).toBe('LighthouseLoadError');
    expect(e.dir).toBe(join(cache, 'perfgate-lighthouse', LIGHTHOUSE_VERSION));
    expect(e.message).toContain('Could not install');
    expect(e.message).toContain('npm is on PATH');
    expect(e.output).toMatch(/does-not-exist\.tgz|ENOENT/);
    expect(readdirSync(join(cache, 'perfgate-lighthouse'))).toEqual([]);
  });

  it('rethrows an import failure that is not "not installed" instead of hiding it', async () => {
    const broken = async () => {
      throw new SyntaxError('Unexpected token in lighthouse');
    };
    await expect(
      loadLighthouse({ toolCacheDir: join(work, 'never'), importDependency: broken }),
    ).rejects.toThrow('Unexpected token in lighthouse');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('refuses a module that is not Lighthouse', async () => {
    await expect(
      loadLighthouse({ importDependency: async () => ({ default: 'nope' }) }),
    ).rejects.toThrow(/not a usable lighthouse package/);
  });
});
