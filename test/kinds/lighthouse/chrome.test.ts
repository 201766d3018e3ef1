import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CHROME_FLAGS,
  type Chrome,
  ChromeLaunchError,
  ChromeNotFoundError,
  findChrome,
  launchChrome,
} from '../../../src/kinds/lighthouse/chrome.js';
import { processGroupMembers } from '../../../src/workspace/process-group.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-chrome-test-'));
const launched: Chrome[] = [];

afterEach(async () => {
  // Kill every Chrome a test started, even when the test failed half-way.
  await Promise.all(launched.splice(0).map((c) => c.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('findChrome', () => {
  it('takes CHROME_PATH when it is an executable file', () => {
    const fake = script('my-chrome', 'exit 0');
    expect(findChrome({ env: { CHROME_PATH: fake }, candidates: [] })).toBe(fake);
  });

  it('refuses a CHROME_PATH that is not executable, naming the variable, value and fix', () => {
    const path = join(dir, 'no-such-chrome');
    let error: unknown;
    try {
      findChrome({ env: { CHROME_PATH: path }, candidates: ['/usr/bin/chromium'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromeNotFoundError);
    const e = error as ChromeNotFoundError;
    expect(e.name).toBe('ChromeNotFoundError');
    expect(e.chromePathEnv).toBe(path);
    expect(e.message).toContain('CHROME_PATH');
    expect(e.message).toContain(JSON.stringify(path));
    expect(e.message).toContain('apt-get install -y chromium');
  });

  it('refuses a non-executable file as CHROME_PATH', () => {
    const path = join(dir, 'plain-file');
    writeFileSync(path, 'not a program');
    chmodSync(path, 0o644);
    expect(() => findChrome({ env: { CHROME_PATH: path }, candidates: [] })).toThrow(
      ChromeNotFoundError,
    );
  });

  it('falls back to the first executable known location, skipping missing ones', () => {
    const second = script('second-chrome', 'exit 0');
    const directory = join(dir, 'a-directory');
    expect(
      findChrome({ env: {}, candidates: [join(dir, 'missing'), dir, second, directory] }),
    ).toBe(second);
  });

  it('without any Chrome: a typed error listing where it looked and how to fix it', () => {
    const candidates = [join(dir, 'missing-1'), join(dir, 'missing-2')];
    let error: unknown;
    try {
      findChrome({ env: { CHROME_PATH: '' }, candidates });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromeNotFoundError);
    expect((error as ChromeNotFoundError).tried).toEqual(candidates);
    expect((error as Error).message).toContain(candidates[0]);
    expect((error as Error).message).toContain('set CHROME_PATH');
    expect((error as Error).message).toContain('apt-get install -y chromium');
  });

  it('finds the Chromium of this machine', () => {
    const path = findChrome({ env: {} });
    expect(existsSync(path)).toBe(true);
  });
});

describe('launchChrome (real Chromium)', () => {
  it('starts one headless Chrome in its own group, answers on its DevTools port, and close() ends it all', async () => {
    const chrome = await launchChrome({ path: findChrome() });
    launched.push(chrome);
    expect(chrome.port).toBeGreaterThan(0);
    expect(chrome.running()).toBe(true);
    const version = (await (
      await fetch(`http://127.0.0.1:${chrome.port}/json/version`)
    ).json()) as { Browser: string };
    expect(version.Browser).toMatch(/Chrome/);

    // The flags that keep it off the network, and the fresh profile, are on its command line.
    const cmdline = readFileSync(`/proc/${chrome.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of [
      '--headless=new',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--remote-debugging-port=0',
    ]) {
      expect(CHROME_FLAGS).toContain(flag);
    }
    expect(cmdline).toEqual(expect.arrayContaining(['--disable-background-networking']));
    expect(cmdline).toContain(`--user-data-dir=${chrome.userDataDir}`);
    expect(existsSync(chrome.userDataDir)).toBe(true);
    // Chrome's helpers (zygote, renderer, network service) share its process group.
    expect(processGroupMembers(chrome.pid).length).toBeGreaterThan(1);

    await chrome.close();
    expect(processGroupMembers(chrome.pid)).toEqual([]);
    expect(chrome.running()).toBe(false);
    expect(existsSync(chrome.userDataDir)).toBe(false);
    await chrome.close(); // idempotent
  });

  it('a Chrome that exits at once: ChromeLaunchError with its stderr, nothing left behind', async () => {
    const broken = script('broken-chrome', 'echo "cannot open display: nowhere" >&2; exit 3');
    let error: unknown;
    try {
      await launchChrome({ path: broken });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromeLaunchError);
    const e = error as ChromeLaunchError;
    expect(e.name).toBe('ChromeLaunchError');
    expect(e.path).toBe(broken);
    expect(e.message).toContain('exited before it was ready (code 3');
    expect(e.stderr).toContain('cannot open display: nowhere');
  });

  it('a Chrome that never reports its port: times out and its whole group is killed', async () => {
    const marker = `perfgate-silent-${process.pid}`;
    const pidFile = join(dir, 'silent.pid');
    // The child sleeps in the same group, as Chrome's helpers would.
    const silent = script(
      'silent-chrome',
      `echo $$ > ${pidFile}; sleep 30 & echo ${marker} >&2; wait`,
    );
    const started = Date.now();
    let error: unknown;
    try {
      await launchChrome({ path: silent, timeoutMs: 500 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromeLaunchError);
    expect((error as Error).message).toContain('did not report its DevTools port within 500 ms');
    expect((error as ChromeLaunchError).stderr).toContain(marker);
    expect(Date.now() - started).toBeLessThan(10_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(processGroupMembers(pid)).toEqual([]);
  });

  it('a missing executable: ChromeLaunchError naming it', async () => {
    const path = join(dir, 'nowhere', 'chrome');
    await expect(launchChrome({ path })).rejects.toThrow(/could not be started.*ENOENT/s);
  });

  it('an aborted signal stops the launch before it starts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    await expect(launchChrome({ path: findChrome(), signal: controller.signal })).rejects.toThrow(
      'run cancelled',
    );
  });
});
