// The CLI in process over a real git repository, through the same mode functions the action
// runs: exit codes, --json (written by the mode, as the action's result file is), --markdown,
// --fail-on, and a bad config refused before anything is built. Bundle sizes keep it fast and
// exact; test/cli runs the built command end to end.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/command-line/run.js';
import type { Result } from '../../src/result.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

let repo: TestRepo;
let out: string;
let baseSha: string;

beforeAll(() => {
  repo = createRepo('perfgate-cli-run-');
  out = mkdtempSync(join(tmpdir(), 'perfgate-cli-out-'));
  baseSha = repo.commit('base', {
    'perfgate.yml': 'benchmarks:\n  - { name: web, type: bundle, files: [app.js] }\n',
    'app.js': `${'a'.repeat(3000)}\n`,
  });
  repo.git('checkout', '-q', '-b', 'feature');
  repo.commit('head: twice the app', { 'app.js': `${'ab'.repeat(3000)}\n` });
});
afterAll(() => {
  repo?.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd: repo.dir,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
    env: {},
  });
  return { code, stdout, stderr };
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Result;

describe('runCli', { timeout: 60_000 }, () => {
  it('compare: exit 1 on a regression, with the JSON and the markdown where the flags say', async () => {
    const json = join(out, 'compare', 'result.json');
    const markdown = join(out, 'compare', 'comment.md');
    const run = await cli('compare', '--base', 'main', '--json', json, '--markdown', markdown);
    expect(run.code, run.stderr).toBe(1);
    const result = read(json);
    expect(result).toMatchObject({ mode: 'compare', verdict: 'fail' });
    expect(result.base?.sha).toBe(baseSha);
    expect(run.stderr).toContain(`Result JSON written to ${json}\n`);
    expect(run.stderr).toContain(`Markdown report written to ${markdown}\n`);
    expect(readFileSync(markdown, 'utf8')).toMatch(/regress/i);
    expect(run.stdout).toMatch(/FAIL\s+\d+ regressions?/);
  });

  it('--fail-on never reports the regression as inconclusive and exits 0', async () => {
    const json = join(out, 'never.json');
    const run = await cli('compare', '--base', 'main', '--fail-on', 'never', '--json', json);
    expect(run.code, run.stderr).toBe(0);
    expect(read(json).verdict).toBe('inconclusive');
  });

  it('record measures one commit against itself', async () => {
    const json = join(out, 'record.json');
    const run = await cli('record', '--json', json);
    expect(run.code, run.stderr).toBe(0);
    const result = read(json);
    expect(result).toMatchObject({ mode: 'record', verdict: 'pass' });
    expect(result.base?.sha).toBe(result.head.sha);
  });

  it('a bad override is exit 2 before anything is measured or written', async () => {
    const json = join(out, 'bad.json');
    const run = await cli('compare', '--base', 'main', '--threshold', '5', '--json', json);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^perfgate: error: --threshold: expected a percentage such as 5%/);
    expect(existsSync(json)).toBe(false);
    expect(run.stdout).toBe('');
  });
});
