// The output of PR code in a CI log: each build's, and each server's until it is ready, folded in
// a GitHub Actions group in which workflow commands are stopped; real shells and a real server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tree } from '../../src/model.js';
import { actionsLogGroup, type OutputGroup, runBuild } from '../../src/workspace/build.js';
import { startServer } from '../../src/workspace/server.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-log-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder() {
  const written: string[] = [];
  let ended = 0;
  const group: OutputGroup = {
    write: (text) => written.push(text),
    end: () => {
      ended++;
    },
  };
  return { group, text: () => written.join(''), ended: () => ended };
}

describe('actionsLogGroup', () => {
  it('folds whole lines in a group, with the commands of the output stopped by a fresh token', () => {
    const lines: string[] = [];
    const open = actionsLogGroup((line) => lines.push(line));
    const group = open('Build of head (abc1234): make\n::error::title');
    group.write('one\ntw');
    group.write('o\n::endgroup::\nlast without newline');
    group.end();
    const token = /^::stop-commands::(.+)$/.exec(lines[1]!)![1]!;
    expect(lines).toEqual([
      '::group::Build of head (abc1234): make ::error::title',
      `::stop-commands::${token}`,
      'one',
      'two',
      '::endgroup::',
      'last without newline',
      `::${token}::`,
      '::endgroup::',
    ]);
    const again: string[] = [];
    actionsLogGroup((line) => again.push(line))('x').end();
    expect(again[1]).not.toBe(lines[1]);
  });
});

describe('output groups of PR code', () => {
  const tree = (): Tree => ({ side: 'head', ref: 'HEAD', sha: 'a'.repeat(40), dir });

  it('a build: all its output, the group ended once, also when the build fails', async () => {
    const ok = recorder();
    await runBuild(tree(), 'echo compiling; echo done >&2', {
      timeoutMs: 10_000,
      onBuild: () => ok.group,
    });
    expect(ok.text().split('\n').sort()).toEqual(['', 'compiling', 'done']);
    expect(ok.ended()).toBe(1);
    const failed = recorder();
    await expect(
      runBuild(tree(), 'echo broken; exit 3', { timeoutMs: 10_000, onBuild: () => failed.group }),
    ).rejects.toThrow('exited with code 3');
    expect(failed.text()).toBe('broken\n');
    expect(failed.ended()).toBe(1);
  });

  it('a server: what it says until it is ready, nothing after', async () => {
    writeFileSync(
      join(dir, 'server.mjs'),
      `import { createServer } from 'node:http';
console.log('warming caches');
createServer((req, res) => { console.log('served ' + req.url); res.end('ok'); })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`,
    );
    const r = recorder();
    const server = await startServer({
      command: `${process.execPath} server.mjs`,
      cwd: dir,
      ready: '/health',
      readyTimeoutMs: 10_000,
      side: 'head',
      name: 'api',
      group: r.group,
    });
    try {
      expect(r.ended()).toBe(1);
      const atReady = r.text();
      expect(atReady).toContain('warming caches\n');
      await fetch(`${server.url}/after`);
      // Give the server's output a moment to arrive: it must not reach the ended group.
      await new Promise((done) => setTimeout(done, 300));
      expect(server.output()).toContain('served /after');
      expect(r.text()).toBe(atReady);
      expect(r.text()).not.toContain('served /after');
    } finally {
      await server.stop();
    }
  });
});
