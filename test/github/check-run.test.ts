import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkConclusion,
  checkRunReport,
  failedCheckReport,
  finishCheckRun,
  startCheckRun,
} from '../../src/github/check-run.js';
import { createOctokit } from '../../src/github/octokit.js';
import { OWNER, REPO } from './fixtures.js';
import { type MockGitHub, startMockGitHub } from './mock-github-process.js';
import { comparison, sampleResult } from './sample-result.js';

describe('check run conclusion and text', () => {
  it('fails on a regression, is neutral when inconclusive or told not to fail, succeeds otherwise', () => {
    expect(checkConclusion('fail', 'regression')).toBe('failure');
    expect(checkConclusion('fail', 'never')).toBe('neutral');
    expect(checkConclusion('inconclusive', 'regression')).toBe('neutral');
    expect(checkConclusion('pass', 'regression')).toBe('success');
    expect(checkConclusion('pass', 'never')).toBe('success');
  });

  it('titles the check with the counts', () => {
    const regressed = sampleResult({
      comparisons: [
        comparison('p50', 'regressed', 0.2),
        comparison('p99', 'improved', -0.1),
        comparison('mean', 'unchanged', 0),
      ],
    });
    expect(checkRunReport(regressed, { failOn: 'regression', markdown: 'md' })).toEqual({
      conclusion: 'failure',
      title: '1 regression · 1 improvement · 1 unchanged',
      summary: 'md',
    });
    expect(checkRunReport(regressed, { failOn: 'never', markdown: 'md' }).title).toBe(
      '1 regression · 1 improvement · 1 unchanged (not failing: fail-on is never)',
    );
    const unsure = sampleResult({
      verdict: 'inconclusive',
      comparisons: [comparison('p50', 'inconclusive', 0.04)],
    });
    expect(checkRunReport(unsure, { failOn: 'regression', markdown: 'md' })).toMatchObject({
      conclusion: 'neutral',
      title: 'no regressions · 1 inconclusive (inconclusive)',
    });
  });

  it("keeps the summary under GitHub's 65,535 characters", () => {
    const report = checkRunReport(sampleResult(), {
      failOn: 'regression',
      markdown: 'x'.repeat(70_000),
    });
    expect(report.summary.length).toBe(65_535);
    expect(report.summary).toMatch(/the job summary has the full report\)$/);
  });

  it('escapes the error of a failed measurement', () => {
    const report = failedCheckReport('build failed on branch <img src=x onerror=alert(1)> *boom*');
    expect(report.conclusion).toBe('failure');
    expect(report.summary).not.toContain('<img');
    expect(report.summary).not.toContain('*boom*');
  });
});

describe('check runs against the mock API', () => {
  let mock: MockGitHub;
  beforeAll(async () => {
    mock = await startMockGitHub();
  });
  afterAll(async () => {
    await mock?.stop();
  });
  beforeEach(async () => {
    await mock.reset();
  });
  afterEach(async () => {
    const state = await mock.state();
    expect(state.rejected).toEqual([]);
    expect(state.mockErrors).toEqual([]);
  });

  const target = () => ({
    repo: { owner: OWNER, repo: REPO },
    name: 'perfgate',
    headSha: 'b'.repeat(40),
    detailsUrl: 'https://github.com/octo-org/octo-repo/actions/runs/987',
  });
  const octokit = () => createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl });

  it('starts in progress and completes the same check with the verdict', async () => {
    const started = await startCheckRun(octokit(), target());
    expect(started.action).toBe('created');
    if (started.action !== 'created') return;
    const report = checkRunReport(
      sampleResult({ comparisons: [comparison('p50', 'regressed', 0.2)] }),
      {
        failOn: 'regression',
        markdown: '## perfgate\n\n1 regression',
      },
    );
    const finished = await finishCheckRun(octokit(), target(), report, started.id);
    expect(finished).toMatchObject({ action: 'updated', id: started.id });
    const state = await mock.state();
    expect(state.checkRuns).toEqual([
      expect.objectContaining({
        id: started.id,
        name: 'perfgate',
        head_sha: 'b'.repeat(40),
        status: 'completed',
        conclusion: 'failure',
        output: { title: '1 regression', summary: '## perfgate\n\n1 regression', text: null },
      }),
    ]);
    expect(state.requests.map((r) => r.body)).toEqual([
      expect.objectContaining({
        status: 'in_progress',
        head_sha: 'b'.repeat(40),
        details_url: target().detailsUrl,
      }),
      expect.objectContaining({ status: 'completed', conclusion: 'failure' }),
    ]);
  });

  it('creates a completed check when none was started', async () => {
    const outcome = await finishCheckRun(
      octokit(),
      target(),
      checkRunReport(sampleResult(), { failOn: 'regression', markdown: 'ok' }),
    );
    expect(outcome.action).toBe('created');
    expect((await mock.state()).checkRuns).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'success' }),
    ]);
  });

  it('reports a 403 as forbidden', async () => {
    await mock.fault({ operationId: 'checks/create', kind: 'status', status: 403, times: -1 });
    expect(await startCheckRun(octokit(), target())).toMatchObject({
      action: 'forbidden',
      status: 403,
    });
  });
});
