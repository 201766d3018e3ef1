// The test entry's provisioning (scripts/provision.ts, called first by scripts/test.mjs): with
// Chromium absent (simulated: PATH holds only what a test puts there, CHROME_PATH unset, no
// other place to look) it either installs it, through the real command run against a stand-in
// apt-get, or stops before any test with the exact command. Nothing is installed on this machine.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCanInstall, onPath, provision } from '../../scripts/provision.js';
import {
  aptInstallCommand,
  chromiumPackage,
  readSystemFacts,
} from '../../src/kinds/lighthouse/chrome.js';

const root = mkdtempSync(join(tmpdir(), 'perfgate-provision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DEBIAN = {
  osRelease: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
  root: false,
};
const UBUNTU = { osRelease: 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n', root: false };
const GIT = onPath('git', process.env)!;
let dirs = 0;

/** A directory to be the whole PATH: git in it (unless told), and the stand-ins asked for. */
function binDir(options: { git?: boolean; apt?: 'installs' | 'fails'; sudo?: boolean } = {}) {
  const dir = join(root, `bin-${dirs++}`);
  spawnSync('/bin/mkdir', ['-p', dir]);
  if (options.git !== false) symlinkSync(GIT, join(dir, 'git'));
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  // apt-get as the distribution's would act: `update`, then `install -y PKG…` puts each
  // package's program in place (here: in this directory, which is on PATH).
  if (options.apt === 'installs') {
    script(
      'apt-get',
      `echo "$DEBIAN_FRONTEND $*" >> ${dir}/apt.log
if [ "$1" = install ]; then
  shift
  for p in "$@"; do
    case "$p" in -*) ;; *) printf '#!/bin/sh\\necho %s\\n' "$p" > ${dir}/$p; /bin/chmod 755 ${dir}/$p ;; esac
  done
fi`,
    );
  }
  if (options.apt === 'fails') {
    script('apt-get', 'echo "E: Unable to locate package chromium" >&2\nexit 100');
  }
  if (options.sudo) script('sudo', '[ "$1" = -n ] && shift\nexec "$@"');
  return dir;
}

const aptLog = (dir: string) => readFileSync(join(dir, 'apt.log'), 'utf8').trim().split('\n');

describe('provision', () => {
  it('finds what is there and hands the Chrome it found to the suite', () => {
    const dir = binDir({ apt: 'installs' });
    writeFileSync(join(dir, 'chromium'), '#!/bin/sh\n');
    chmodSync(join(dir, 'chromium'), 0o755);
    const out = provision({
      env: { PATH: dir },
      chromeCandidates: [],
      system: DEBIAN,
      canInstall: () => 'root',
    });
    expect(out).toEqual({
      ready: true,
      env: { CHROME_PATH: join(dir, 'chromium') },
      installed: [],
    });
  });

  it('stops with the exact command when Chromium is absent and it may not install', () => {
    const dir = binDir();
    const out = provision({
      env: { PATH: dir },
      chromeCandidates: [],
      system: DEBIAN,
      canInstall: () => false,
    });
    expect(out.ready).toBe(false);
    if (out.ready) return;
    expect(out.command).toBe('sudo apt-get update && sudo apt-get install -y chromium');
    expect(out.message).toContain('The test suite needs Chromium, which this machine lacks');
    expect(out.message).toContain('no test was run');
    expect(out.message).toContain(`\n    ${out.command}\n`);
    expect(out.message).toContain('Installing needs root or sudo without a password');
  });

  it('on Ubuntu names chromium-browser and says what its snap needs; git too when missing', () => {
    const out = provision({
      env: { PATH: binDir({ git: false }) },
      chromeCandidates: [],
      system: { ...UBUNTU, root: true },
      install: false,
    });
    expect(out.ready).toBe(false);
    if (out.ready) return;
    expect(out.command).toBe('apt-get update && apt-get install -y chromium-browser git');
    expect(out.message).toContain('needs Chromium and git');
    expect(out.message).toContain('Installing was turned off (--no-install)');
    expect(out.message).toContain('snapd');
  });

  it('off Debian and Ubuntu gives no apt command, and a wrong CHROME_PATH is the user’s to fix', () => {
    const other = provision({
      env: { PATH: binDir() },
      chromeCandidates: [],
      system: { osRelease: 'ID=fedora\n', root: true },
      canInstall: () => 'root',
    });
    expect(other).toMatchObject({ ready: false });
    expect(other.ready === false && other.command).toBeUndefined();
    expect(other.ready === false && other.message).toContain('This is not Debian or Ubuntu');

    const typo = provision({
      env: { PATH: binDir({ apt: 'installs' }), CHROME_PATH: join(root, 'no-such-chrome') },
      chromeCandidates: [],
      system: DEBIAN,
      canInstall: () => 'root',
    });
    expect(typo.ready).toBe(false);
    expect(typo.ready === false && typo.command).toBeUndefined();
    expect(typo.ready === false && typo.message).toContain('Fix CHROME_PATH');
  });

  it('installs from the distribution’s packages when it may, non-interactively, update first', () => {
    const dir = binDir({ git: false, apt: 'installs' });
    const lines: string[] = [];
    const out = provision({
      env: { PATH: dir },
      chromeCandidates: [],
      system: { ...DEBIAN, root: true },
      canInstall: () => 'root',
      log: (line) => lines.push(line),
    });
    expect(out).toEqual({
      ready: true,
      env: { CHROME_PATH: join(dir, 'chromium') },
      installed: ['chromium', 'git'],
    });
    expect(aptLog(dir)).toEqual([
      'noninteractive update',
      'noninteractive install -y chromium git',
    ]);
    expect(lines).toEqual([
      "Installing chromium, git from the distribution's packages: apt-get update && apt-get install -y chromium git",
    ]);
  });

  it('installs through sudo when that is the right it has', () => {
    const dir = binDir({ apt: 'installs', sudo: true });
    const out = provision({
      env: { PATH: dir },
      chromeCandidates: [],
      system: DEBIAN,
      canInstall: () => 'sudo',
    });
    expect(out).toMatchObject({ ready: true, installed: ['chromium'] });
    expect(aptLog(dir)).toEqual(['noninteractive update', 'noninteractive install -y chromium']);
  });

  it('stops with apt’s own words and the command when installing fails', () => {
    const out = provision({
      env: { PATH: binDir({ apt: 'fails' }) },
      chromeCandidates: [],
      system: { ...DEBIAN, root: true },
      canInstall: () => 'root',
    });
    expect(out.ready).toBe(false);
    if (out.ready) return;
    expect(out.message).toContain('Installing failed (exit 100)');
    expect(out.message).toContain('E: Unable to locate package chromium');
    expect(out.message).toContain('\n    apt-get update && apt-get install -y chromium\n');
  });

  it('the default probe: no apt-get, no install; else root, or sudo without a password', () => {
    expect(defaultCanInstall({ PATH: binDir() })).toBe(false);
    const both = binDir({ apt: 'installs', sudo: true });
    expect(defaultCanInstall({ PATH: both })).toBe(process.getuid?.() === 0 ? 'root' : 'sudo');
  });
});

describe('scripts/test.mjs with Chromium absent', { timeout: 120_000 }, () => {
  const entry = resolve('scripts/test.mjs');
  const run = (args: string[], path: string) =>
    spawnSync(process.execPath, [entry, ...args], {
      cwd: resolve('.'),
      env: { PATH: path, HOME: process.env.HOME ?? root },
      encoding: 'utf8',
      timeout: 100_000,
    });

  it('stops before any step, with the exact command, when it may not install', () => {
    const out = run(['--no-install', '--chrome-candidates='], binDir());
    expect(out.status, out.stderr).toBe(1);
    const system = readSystemFacts();
    const found = chromiumPackage(system);
    if (found) {
      expect(out.stderr).toContain(`\n    ${aptInstallCommand([found.name], system.root)}\n`);
    } else {
      expect(out.stderr).toContain('This is not Debian or Ubuntu');
    }
    expect(out.stderr).toContain('no test was run');
    // No step started: each begins with a "▶ title" line.
    expect(out.stdout).not.toContain('▶');
    expect(out.stdout).not.toContain('passed');
  });

  it('installs it when it may (a stand-in apt-get) and hands its path to the suite', () => {
    const dir = binDir({ apt: 'installs', sudo: true });
    const out = run(['--provision-only', '--chrome-candidates='], dir);
    const found = chromiumPackage(readSystemFacts());
    if (!found) {
      expect(out.status).toBe(1);
      return;
    }
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      `Machine ready: Chrome at ${join(dir, found.name)} (installed ${found.name})`,
    );
    expect(out.stdout).not.toContain('▶');
  });
});
