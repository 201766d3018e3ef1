// A Lighthouse benchmark on a machine whose Chrome cannot be used stops when the config is read:
// exit 2, the install command in the message, and nothing built (the build would leave a file).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChrome } from '../../../src/kinds/lighthouse/chrome.js';
import { runPerfgate } from '../../helpers/cli.js';
import { createRepo } from '../../helpers/repo.js';

const out = mkdtempSync(join(tmpdir(), 'perfgate-preflight-'));
const repo = createRepo('perfgate-preflight-repo-');
afterAll(() => {
  repo.dispose();
  rmSync(out, { recursive: true, force: true });
});

describe('the Lighthouse preflight', () => {
  it('refuses at config time, before any build, with the command that installs Chromium', async () => {
    const built = join(out, 'built');
    repo.commit('base', {
      'perfgate.yml': `build: touch ${built}\nbenchmarks:\n  - { name: site, type: lighthouse, serve: public }\n`,
      'public/index.html': '<!doctype html><title>x</title>',
    });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('head');
    const saved = process.env.CHROME_PATH;
    process.env.CHROME_PATH = join(out, 'no-chrome-here');
    let stderr = '';
    try {
      const run = await runPerfgate(['compare', '--base', 'main'], repo.dir);
      stderr = run.stderr;
      expect(run.code, stderr).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.CHROME_PATH;
      else process.env.CHROME_PATH = saved;
    }
    expect(stderr).toContain(`CHROME_PATH is ${JSON.stringify(join(out, 'no-chrome-here'))}`);
    expect(stderr).toContain('apt-get install -y chromium');
    expect(existsSync(built)).toBe(false);
  });

  it('says the command when nothing is found at all', () => {
    expect(() =>
      findChrome({
        env: { PATH: out },
        candidates: [],
        system: { osRelease: 'ID=debian\n', root: false },
      }),
    ).toThrow(
      'install Chromium with `sudo apt-get update && sudo apt-get install -y chromium`, or set CHROME_PATH',
    );
  });
});
