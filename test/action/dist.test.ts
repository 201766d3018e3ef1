// End to end: the built action (dist/index.js) run as the runner runs it, against a real git
// repository with a base and a head commit, the local GitHub (REST API checked against the
// OpenAPI description) and the local Actions results service. The same dist also runs under
// @github/local-action. npm test builds dist/ before the tests run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listZipEntries } from '../../src/github/zip.js';
import { parseResult } from '../../src/report/json.js';
import { pullRequestEvent, pushEvent, workflowRunEvent } from '../github/fixtures.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { makeZip } from '../github/zip-writer.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';
import { ROOT, readStep, removeStepDirs, runDist, runProcess, stepEnv } from './runner.js';

const MARKER = '<!-- perfgate:default -->';
let mock: MockGitHub;
let repo: TestRepo;
let baseSha: string;
let headSha: string;

const CONFIG = `benchmarks:
  - name: bundle
    type: bundle
    files: [app.js]
    compression: [gzip]
gate:
  threshold: 5%
  time-budget: 30s
`;

beforeAll(async () => {
  mock = await startMockGitHub();
  repo = createRepo('perfgate-action-e2e-');
  baseSha = repo.commit('base', {
    'perfgate.yml': CONFIG,
    'app.js': `export const a = ${JSON.stringify('a'.repeat(2000))};\n`,
  });
  repo.git('checkout', '-q', '-b', 'feature');
  // Random-looking text, so the gzip size grows with the raw size: a certain regression.
  const grown = Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 9973).toString(36)).join('');
  headSha = repo.commit('head: a bigger bundle', {
    'app.js': `export const a = ${JSON.stringify(grown)};\n`,
  });
});
afterAll(async () => {
  await mock?.stop();
  repo?.dispose();
  removeStepDirs();
});
beforeEach(async () => {
  await mock.reset();
  await mock.seed({
    pulls: [{ number: 12, baseRef: 'main', baseSha, headRef: 'feature', headSha }],
    runs: [
      { id: 987, headSha },
      { id: 988, headSha },
      { id: 77, headSha, event: 'pull_request' },
    ],
  });
});
afterEach(async () => {
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

const prEvent = (fork = false) => ({
  name: 'pull_request',
  payload: pullRequestEvent({
    number: 12,
    baseRef: 'main',
    baseSha,
    headRef: 'feature',
    headSha,
    fork,
  }),
});

// Each test starts one to three node processes that load a 7 MB bundle and measure; a loaded
// machine can make that slow, never wrong.
describe('node dist/index.js', { timeout: 240_000 }, () => {
  it('compare: comments, checks, summarises, sets outputs and fails on the regression; a second run updates the comment', async () => {
    const first = await runDist({
      mock,
      event: prEvent(),
      runId: 987,
      cwd: repo.dir,
      sha: headSha,
    });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stdout).toMatch(
      /^::error::perfgate: \d+ regressions? .*\(fail-on: regression\)\./m,
    );

    let state = await mock.state();
    expect(state.comments).toHaveLength(1);
    const comment = state.comments[0]!;
    expect(comment.issueNumber).toBe(12);
    expect(comment.body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(comment.body).toMatch(/app\.js/);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({
        name: 'perfgate',
        head_sha: headSha,
        status: 'completed',
        conclusion: 'failure',
      }),
    ]);
    expect(state.artifacts).toEqual([
      expect.objectContaining({ runId: 987, name: 'perfgate-result-default' }),
    ]);
    expect(state.twirp.map((t) => t.method)).toEqual(['CreateArtifact', 'FinalizeArtifact']);

    expect(first.outputs.verdict).toBe('fail');
    expect(Number(first.outputs.regressions)).toBeGreaterThanOrEqual(1);
    expect(first.outputs['comment-id']).toBe(String(comment.id));
    expect(first.outputs['check-run-id']).toBe(String(state.checkRuns[0]!.id));
    expect(first.outputs['artifact-id']).toBe(String(state.artifacts[0]!.id));
    expect(`${MARKER}\n${first.outputs.markdown}`).toBe(comment.body);
    const result = parseResult(readFileSync(first.outputs['result-path']!));
    expect(result).toMatchObject({
      verdict: 'fail',
      pullRequest: 12,
      repository: 'octo-org/octo-repo',
    });
    expect(result.base).toEqual({ ref: 'main', sha: baseSha });
    expect(first.summary).toMatch(/app\.js/);
    expect(first.summary).toMatch(/#### Where this report went/);
    expect(first.summary).toMatch(/PR comment: \[created on #12\]/);

    // The next push: a new workflow run, the same comment updated in place.
    const second = await runDist({
      mock,
      event: prEvent(),
      runId: 988,
      cwd: repo.dir,
      sha: headSha,
      with: { 'fail-on': 'never' },
    });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    state = await mock.state();
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.id).toBe(comment.id);
    expect(second.outputs['comment-id']).toBe(String(comment.id));
    expect(state.requests.filter((r) => r.operationId === 'issues/update-comment')).toHaveLength(1);
    expect(state.checkRuns.map((c) => c.conclusion)).toEqual(['failure', 'neutral']);
  });

  it('a fork with a read-only token: the 403s are warnings, the run succeeds and says where the report went', async () => {
    await mock.fault(
      { operationId: 'checks/create', kind: 'status', status: 403, times: -1 },
      { operationId: 'issues/create-comment', kind: 'status', status: 403, times: -1 },
    );
    const step = await runDist({
      mock,
      event: prEvent(true),
      runId: 987,
      cwd: repo.dir,
      with: { 'fail-on': 'never' },
    });
    expect(step.code, step.stdout + step.stderr).toBe(0);
    expect(step.stdout).toMatch(
      /^::warning::Could not comment on pull request #12 \(HTTP 403.*The report is in this job's summary and in the result artifact\./m,
    );
    expect(step.summary).toMatch(/PR comment: \*\*not posted\*\*, GitHub refused it \(HTTP 403/);
    expect(step.summary).toMatch(/Result artifact: `perfgate-result-default`/);
    // fail-on: never reports what would fail as inconclusive (neutral), as a config `never` does.
    expect(step.outputs).toMatchObject({
      verdict: 'inconclusive',
      'comment-id': '',
      'check-run-id': '',
    });
    const state = await mock.state();
    expect(state.comments).toEqual([]);
    expect(state.artifacts).toHaveLength(1);
  });

  it('retries a 5xx and waits out a rate limit, then posts everything', async () => {
    await mock.fault(
      { operationId: 'checks/create', kind: 'status', status: 502, times: 1 },
      { operationId: 'issues/list-comments', kind: 'rate-limit', times: 1 },
    );
    const step = await runDist({ mock, event: prEvent(), runId: 987, cwd: repo.dir });
    expect(step.code, step.stdout + step.stderr).toBe(1);
    expect(step.stdout).toMatch(/^::warning::GitHub primary rate limit on GET .*retrying in \d+s/m);
    const state = await mock.state();
    expect(
      state.requests.filter((r) => r.operationId === 'checks/create').map((r) => r.status),
    ).toEqual([502, 201]);
    expect(
      state.requests.filter((r) => r.operationId === 'issues/list-comments').map((r) => r.status),
      // The rate-limited listing retried (the kept acceptance read), then the comment's own.
    ).toEqual([403, 200, 200]);
    expect(state.comments).toHaveLength(1);
    expect(state.checkRuns).toEqual([expect.objectContaining({ conclusion: 'failure' })]);
  });

  it('the fork-safe pair: collect uploads the result, report publishes it without a checkout', async () => {
    const collect = await runDist({
      mock,
      event: prEvent(true),
      runId: 77,
      cwd: repo.dir,
      with: { mode: 'collect', 'fail-on': 'never' },
      token: 'ghs_read_only',
    });
    expect(collect.code, collect.stdout + collect.stderr).toBe(0);
    let state = await mock.state();
    expect(state.requests).toEqual([]);
    expect(state.artifacts).toEqual([
      expect.objectContaining({ runId: 77, name: 'perfgate-result-default' }),
    ]);

    // The report workflow runs in an empty directory: nothing from the pull request is there.
    const empty = createRepo('perfgate-report-cwd-');
    try {
      const report = await runDist({
        mock,
        event: {
          name: 'workflow_run',
          payload: workflowRunEvent({ id: 77, headSha, pullRequests: [] }),
        },
        runId: 990,
        cwd: empty.dir,
        with: { mode: 'report' },
      });
      expect(report.code, report.stdout + report.stderr).toBe(1);
      state = await mock.state();
      expect(state.comments).toEqual([expect.objectContaining({ issueNumber: 12 })]);
      expect(state.comments[0]!.body.startsWith(MARKER)).toBe(true);
      expect(state.checkRuns).toEqual([
        expect.objectContaining({ head_sha: headSha, conclusion: 'failure' }),
      ]);
      expect(report.outputs.verdict).toBe('fail');
      expect(report.summary).toMatch(
        /Source: artifact `perfgate-result-default` of workflow run 77/,
      );
    } finally {
      empty.dispose();
    }
  });

  it('record: measures the pushed commit and uploads it as its baseline, posting nothing', async () => {
    const step = await runDist({
      mock,
      event: { name: 'push', payload: pushEvent(headSha, baseSha) },
      runId: 988,
      cwd: repo.dir,
      sha: headSha,
      with: { mode: 'record' },
    });
    const result = parseResult(readFileSync(step.outputs['result-path']!));
    expect(result).toMatchObject({ mode: 'record', head: { sha: headSha } });
    expect(step.code, step.stdout + step.stderr).toBe(result.verdict === 'fail' ? 1 : 0);
    const state = await mock.state();
    expect(state.requests).toEqual([]);
    expect(state.artifacts.map((a) => [a.runId, a.name])).toEqual([
      [988, 'perfgate-result-default'],
      [988, `perfgate-baseline-${headSha}`],
    ]);
    expect(step.summary).toMatch(new RegExp(`Baseline artifact: \`perfgate-baseline-${headSha}\``));
  });

  it('record on the merge-base, then compare: the stored bundle sizes stand in for the base; expired, it is said in the comment', async () => {
    // The default branch's push run: a checkout of the merge-base.
    const mainTree = mkdtempSync(join(tmpdir(), 'perfgate-e2e-main-'));
    repo.git('worktree', 'add', '-q', '--detach', mainTree, baseSha);
    try {
      await mock.seed({ runs: [{ id: 989, headSha: baseSha, headBranch: 'main', event: 'push' }] });
      const record = await runDist({
        mock,
        event: { name: 'push', payload: pushEvent(baseSha) },
        runId: 989,
        cwd: mainTree,
        sha: baseSha,
        with: { mode: 'record' },
      });
      expect(record.code, record.stdout + record.stderr).toBe(0);
      expect(record.summary).toMatch(/with the bundle snapshots of 1 benchmark/);
    } finally {
      repo.git('worktree', 'remove', '--force', mainTree);
    }
    let state = await mock.state();
    const stored = state.artifacts.find((a) => a.name === `perfgate-baseline-${baseSha}`)!;
    expect(stored.runId).toBe(989);
    expect(listZipEntries(Buffer.from(stored.zipBase64, 'base64')).sort()).toEqual([
      'perfgate-baseline.json',
      'perfgate-result.json',
    ]);

    const used = await runDist({ mock, event: prEvent(), runId: 987, cwd: repo.dir, sha: headSha });
    expect(used.code, used.stdout + used.stderr).toBe(1);
    const note = `Bundle sizes of the merge-base ${baseSha.slice(0, 12)} come from the stored baseline perfgate-baseline-${baseSha} (artifact id ${stored.id})`;
    const result = parseResult(readFileSync(used.outputs['result-path']!));
    expect(result.notes).toContainEqual(expect.stringContaining(note));
    expect(result.base).toEqual({ ref: 'main', sha: baseSha });
    expect(result.comparisons.find((c) => c.key === 'bundle/total/raw')).toMatchObject({
      status: 'regressed',
    });
    state = await mock.state();
    expect(state.comments[0]!.body).toContain(note);
    expect(
      state.requests.map((r) => r.operationId).filter((id) => id.includes('artifact')),
    ).toEqual(['actions/list-artifacts-for-repo', 'actions/download-artifact']);

    // The same artifact, expired: the base is measured and the comment says why.
    await mock.reset();
    await mock.seed({
      pulls: [{ number: 12, baseRef: 'main', baseSha, headRef: 'feature', headSha }],
      runs: [
        { id: 987, headSha },
        { id: 989, headSha: baseSha, headBranch: 'main', event: 'push' },
      ],
    });
    const [expiredId] = (
      await mock.seed({
        artifacts: [{ runId: 989, name: stored.name, zipBase64: stored.zipBase64, expired: true }],
      })
    ).artifacts;
    const expired = await runDist({
      mock,
      event: prEvent(),
      runId: 987,
      cwd: repo.dir,
      sha: headSha,
    });
    expect(expired.code, expired.stdout + expired.stderr).toBe(1);
    const said = `Stored baseline perfgate-baseline-${baseSha} of the merge-base ${baseSha.slice(0, 12)} not used: artifact id ${expiredId} expired on 2000-01-01T00:00:00Z; the base was built and measured in this job.`;
    const again = parseResult(readFileSync(expired.outputs['result-path']!));
    expect(again.notes).toContain(said);
    // Measured in the job, the sizes are the stored ones.
    expect(again.comparisons.map((c) => [c.key, c.base.median, c.head.median])).toEqual(
      result.comparisons.map((c) => [c.key, c.base.median, c.head.median]),
    );
    state = await mock.state();
    expect(state.comments[0]!.body).toContain(
      `artifact id ${expiredId} expired on 2000-01-01T00:00:00Z`,
    );
    expect(expired.summary).toContain(`artifact id ${expiredId} expired`);
    expect(state.requests.map((r) => r.operationId)).not.toContain('actions/download-artifact');
  });

  it('report rejects a malformed or oversized artifact: no comment, a failing check', async () => {
    const event = { name: 'workflow_run', payload: workflowRunEvent({ id: 77, headSha }) };
    const zip = (data: string | Buffer, declaredSize?: number) =>
      makeZip([
        { name: 'perfgate-result.json', data, ...(declaredSize ? { declaredSize } : {}) },
      ]).toString('base64');

    await mock.seed({
      artifacts: [
        {
          runId: 77,
          name: 'perfgate-result-default',
          zipBase64: zip('{"schemaVersion":1,"verdict":"pass"}'),
        },
      ],
    });
    const malformed = await runDist({
      mock,
      event,
      runId: 990,
      cwd: repo.dir,
      with: { mode: 'report' },
    });
    expect(malformed.code).toBe(3);
    expect(malformed.stdout).toMatch(
      /^::error::perfgate: artifact perfgate-result-default of workflow run 77 was rejected: invalid perfgate result at \$/m,
    );

    await mock.reset();
    await mock.seed({
      runs: [{ id: 77, headSha }],
      pulls: [{ number: 12, baseRef: 'main', baseSha, headRef: 'feature', headSha }],
    });
    await mock.seed({
      artifacts: [
        {
          runId: 77,
          name: 'perfgate-result-default',
          zipBase64: zip(Buffer.alloc(21 * 1024 * 1024, 0x20), 10),
        },
      ],
    });
    const oversized = await runDist({
      mock,
      event,
      runId: 990,
      cwd: repo.dir,
      with: { mode: 'report' },
    });
    expect(oversized.code).toBe(3);
    expect(oversized.stdout).toMatch(
      /^::error::perfgate: artifact perfgate-result-default: perfgate-result\.json inflates to more than 20971520 bytes/m,
    );
    expect(oversized.summary).toMatch(
      /^### ❌ perfgate could not finish\n\nartifact perfgate-result-default: perfgate-result\.json inflates/,
    );
    const state = await mock.state();
    expect(state.comments).toEqual([]);
    // No comment; only a failing check on the built commit, saying why.
    expect(state.checkRuns.map((c) => [c.conclusion, c.head_sha, c.output.title])).toEqual([
      ['failure', headSha, 'The result was not accepted'],
    ]);
  });

  it('a bad input fails the step before anything is posted (exit code 2), naming input, value and expectation', async () => {
    const step = await runDist({
      mock,
      event: prEvent(),
      runId: 987,
      cwd: repo.dir,
      with: { mode: 'Compare', 'check-run': 'yes' },
    });
    expect(step.code).toBe(2);
    expect(step.stdout).toMatch(
      /^::error::perfgate: input `mode` is "Compare"; expected one of `compare`, `collect`, `report`, `record`, `trend`, `merge`; did you mean `compare`\?/m,
    );
    expect((await mock.state()).requests).toEqual([]);
  });
});

describe('@github/local-action running the same dist', { timeout: 300_000 }, () => {
  it('compare: the comment, the check run, the outputs and the exit code', async () => {
    const env = stepEnv({
      mock,
      event: prEvent(),
      runId: 987,
      cwd: repo.dir,
      sha: headSha,
      // local-action runs from the action's directory; the checkout is elsewhere.
      with: { 'working-directory': repo.dir },
    });
    const envFile = join(env.RUNNER_TEMP!, 'local-action.env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join('\n'),
    );
    const bin = join(ROOT, 'node_modules', '.bin', 'local-action');
    const { code, stdout, stderr } = await runProcess(
      bin,
      ['run', ROOT, 'dist/index.js', envFile],
      { PATH: env.PATH!, HOME: env.HOME! },
      ROOT,
      180_000,
    );
    const step = readStep(env, code, stdout, stderr);
    expect(step.code, stdout + stderr).toBe(1);
    expect(stdout).toMatch(/perfgate: \d+ regressions?/);
    const state = await mock.state();
    expect(state.comments).toEqual([expect.objectContaining({ issueNumber: 12 })]);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({ head_sha: headSha, conclusion: 'failure' }),
    ]);
    expect(step.outputs).toMatchObject({
      verdict: 'fail',
      'comment-id': String(state.comments[0]!.id),
    });
    expect(step.summary).toMatch(/Where this report went/);
  });
});
