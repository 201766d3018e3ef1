// mode `report` end to end in-process: a result artifact in a workflow run of the mock GitHub,
// read through the REST API, validated, and published on the pull request it names — when the
// pull request's head is the commit the run built.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/action/inputs.js';
import type { ActionDeps } from '../../src/action/io.js';
import { ArtifactError } from '../../src/github/artifacts.js';
import { createOctokit } from '../../src/github/octokit.js';
import { ArtifactMismatchError, runReport } from '../../src/modes/report.js';
import { serializeResult } from '../../src/report/json.js';
import type { Result } from '../../src/result.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { comparison, sampleResult } from '../github/sample-result.js';
import { makeZip } from '../github/zip-writer.js';
import { context, inputs, type RecordingIo, recordingIo } from './helpers.js';

const HEAD = 'b'.repeat(40);
const OTHER_HEAD = 'd'.repeat(40);
const temp = mkdtempSync(join(tmpdir(), 'perfgate-report-'));
let mock: MockGitHub;
let io: RecordingIo;

beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
  rmSync(temp, { recursive: true, force: true });
});
beforeEach(async () => {
  io = recordingIo();
  await mock.reset();
  await mock.seed({
    pulls: [
      {
        number: 12,
        baseRef: 'main',
        baseSha: 'a'.repeat(40),
        headRef: 'patch-1',
        headSha: HEAD,
        fork: true,
      },
      {
        number: 13,
        baseRef: 'main',
        baseSha: 'a'.repeat(40),
        headRef: 'other',
        headSha: OTHER_HEAD,
      },
    ],
    runs: [{ id: 77, headSha: HEAD, event: 'pull_request', pullRequests: [] }],
  });
});
afterEach(async () => {
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

const regressed = (fields: Partial<Result> = {}) =>
  sampleResult({
    mode: 'collect',
    repository: 'octo-org/octo-repo',
    pullRequest: 12,
    reportId: 'default',
    comparisons: [comparison('p99', 'regressed', 0.25), comparison('p50', 'unchanged', 0.01)],
    ...fields,
  });

async function seedArtifact(
  content: Buffer | string,
  name = 'perfgate-result-default',
  declaredSize?: number,
) {
  const zip = makeZip([
    { name: 'perfgate-result.json', data: content, ...(declaredSize ? { declaredSize } : {}) },
  ]);
  await mock.seed({ artifacts: [{ runId: 77, name, zipBase64: zip.toString('base64') }] });
}

function deps(): ActionDeps {
  return {
    io,
    cwd: temp,
    github: (token) => createOctokit({ token, baseUrl: mock.apiUrl }),
    measure: () => Promise.reject(new Error('report mode must not measure')),
    upload: () => Promise.reject(new Error('report mode must not upload')),
  };
}

const workflowRun = {
  id: 77,
  event: 'pull_request',
  headSha: HEAD,
  headBranch: 'patch-1',
  conclusion: 'success',
  pullRequests: [],
};
const reportContext = () =>
  context({ eventName: 'workflow_run', workflowRun, runnerTemp: temp, runId: 990 });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('runReport', () => {
  it("posts a fork's collected result on its pull request, with the check on the run's commit", async () => {
    await seedArtifact(serializeResult(regressed()));
    const outcome = await runReport(inputs({ mode: 'report' }), reportContext(), deps());
    expect(outcome.failure).toBe('perfgate: 1 regression · 1 unchanged (fail-on: regression).');

    const state = await mock.state();
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]).toMatchObject({ issueNumber: 12 });
    expect(state.comments[0]!.body.startsWith('<!-- perfgate:default -->\n')).toBe(true);
    expect(state.comments[0]!.body).toMatch(/p99/);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({
        head_sha: HEAD,
        name: 'perfgate',
        conclusion: 'failure',
        status: 'completed',
      }),
    ]);
    expect(state.requests.map((r) => r.operationId)).toEqual([
      'actions/list-workflow-run-artifacts',
      'actions/download-artifact',
      'pulls/get',
      'issues/list-comments',
      'issues/create-comment',
      'checks/create',
    ]);
    expect(io.outputs).toMatchObject({
      verdict: 'fail',
      regressions: '1',
      'comment-id': String(state.comments[0]!.id),
      'check-run-id': String(state.checkRuns[0]!.id),
      'artifact-id': '',
    });
    const written = JSON.parse(readFileSync(io.outputs['result-path']!, 'utf8'));
    expect(written).toEqual(JSON.parse(serializeResult(regressed())));
    expect(io.outputs.markdown).toBe(
      state.comments[0]!.body.slice('<!-- perfgate:default -->\n'.length),
    );
    expect(io.summary).toMatch(/Where this report went/);
    expect(io.summary).toMatch(/Source: artifact `perfgate-result-default` of workflow run 77/);
    expect(io.warnings).toEqual([]);
  });

  it('reads the run named by `run-id` through the API', async () => {
    await seedArtifact(serializeResult(regressed()));
    const outcome = await runReport(
      inputs({ mode: 'report', runId: 77, failOn: 'never' }),
      context({ eventName: 'workflow_dispatch', runnerTemp: temp }),
      deps(),
    );
    expect(outcome.failure).toBeUndefined();
    const state = await mock.state();
    expect(state.requests[0]).toMatchObject({
      operationId: 'actions/get-workflow-run',
      path: '/repos/octo-org/octo-repo/actions/runs/77',
    });
    expect(state.checkRuns[0]).toMatchObject({ conclusion: 'neutral' });
  });

  it('does not comment on a pull request the run did not build', async () => {
    await seedArtifact(serializeResult(regressed({ pullRequest: 13 })));
    await runReport(inputs({ mode: 'report' }), reportContext(), deps());
    const state = await mock.state();
    expect(state.comments).toEqual([]);
    // The check belongs to the commit the run built, which is the fork's own.
    expect(state.checkRuns).toEqual([expect.objectContaining({ head_sha: HEAD })]);
    expect(io.warnings).toEqual([
      expect.stringMatching(/pull request #13 is at ddddddd, but workflow run 77 built bbbbbbb/),
    ]);
    expect(io.summary).toMatch(/PR comment: \*\*not posted\*\*: pull request #13/);
    expect(io.outputs['comment-id']).toBe('');
  });

  it('does not comment when the run is linked to other pull requests, or the number does not exist', async () => {
    await seedArtifact(serializeResult(regressed()));
    await runReport(
      inputs({ mode: 'report' }),
      context({ workflowRun: { ...workflowRun, pullRequests: [40] }, runnerTemp: temp }),
      deps(),
    );
    expect(io.warnings).toEqual([
      expect.stringMatching(/names pull request #12, but workflow run 77 belongs to #40/),
    ]);
    await mock.reset();
    await mock.seed({ runs: [{ id: 77, headSha: HEAD }] });
    await seedArtifact(serializeResult(regressed({ pullRequest: 404 })));
    io = recordingIo();
    await runReport(inputs({ mode: 'report' }), reportContext(), deps());
    expect(io.warnings).toEqual([expect.stringMatching(/#404, which does not exist here/)]);
    expect((await mock.state()).comments).toEqual([]);
  });

  it('rejects a missing artifact, naming the run and the artifact', async () => {
    const error = await rejection(runReport(inputs({ mode: 'report' }), reportContext(), deps()));
    expect(error).toBeInstanceOf(ArtifactError);
    expect(error.message).toMatch(
      /workflow run 77 \(pull_request, conclusion success\) has no artifact perfgate-result-default/,
    );
    expect((await mock.state()).comments).toEqual([]);
  });

  it('rejects malformed JSON and results that break the schema, posting only a failing check', async () => {
    await seedArtifact('{"schemaVersion": 1, "verdict": ');
    const syntax = await rejection(runReport(inputs({ mode: 'report' }), reportContext(), deps()));
    expect(syntax).toBeInstanceOf(ArtifactError);
    expect(syntax.message).toMatch(
      /^artifact perfgate-result-default of workflow run 77 was rejected: invalid perfgate result/,
    );

    await mock.reset();
    await mock.seed({
      pulls: [
        { number: 12, baseRef: 'main', baseSha: 'a'.repeat(40), headRef: 'x', headSha: HEAD },
      ],
      runs: [{ id: 77, headSha: HEAD }],
    });
    const extra = { ...JSON.parse(serializeResult(regressed())), injected: '<img src=x>' };
    await seedArtifact(JSON.stringify(extra));
    const schema = await rejection(runReport(inputs({ mode: 'report' }), reportContext(), deps()));
    expect(schema.message).toMatch(/\$\.injected.*unknown field/);
    const state = await mock.state();
    expect(state.comments).toEqual([]);
    expect(state.checkRuns.map((c) => [c.conclusion, c.head_sha, c.output.title])).toEqual([
      ['failure', HEAD, 'The result was not accepted'],
    ]);
    expect(state.checkRuns[0]!.output.summary).toMatch(/unknown field/);
    expect(state.checkRuns[0]!.output.summary).not.toContain('<img');
  });

  it('rejects an oversized result, declared or inflated, before parsing it', async () => {
    await seedArtifact('{}', 'perfgate-result-default', 25 * 1024 * 1024);
    const declared = await rejection(
      runReport(inputs({ mode: 'report' }), reportContext(), deps()),
    );
    expect(declared).toMatchObject({ name: 'ArtifactError', reason: 'oversized' });

    await mock.reset();
    await mock.seed({ runs: [{ id: 77, headSha: HEAD }] });
    await seedArtifact(Buffer.alloc(21 * 1024 * 1024, 0x20), 'perfgate-result-default', 100);
    const inflated = await rejection(
      runReport(inputs({ mode: 'report' }), reportContext(), deps()),
    );
    expect(inflated).toMatchObject({ name: 'ArtifactError', reason: 'oversized' });
    expect(inflated.message).toMatch(/inflates to more than 20971520 bytes/);
  });

  it('rejects a result from another repository, mode or report id', async () => {
    await seedArtifact(serializeResult(regressed({ repository: 'evil/repo' })));
    expect(
      await rejection(runReport(inputs({ mode: 'report' }), reportContext(), deps())),
    ).toBeInstanceOf(ArtifactMismatchError);
    await mock.reset();
    await mock.seed({ runs: [{ id: 77, headSha: HEAD }] });
    await seedArtifact(serializeResult(regressed({ reportId: 'web' })));
    const id = await rejection(runReport(inputs({ mode: 'report' }), reportContext(), deps()));
    expect(id.message).toMatch(/carries report id "web", not "default"/);
  });

  it('needs a workflow_run event or a run id', async () => {
    const error = await rejection(
      runReport(inputs({ mode: 'report' }), context({ eventName: 'push' }), deps()),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /input `run-id` is "".*because this push event is not workflow_run/,
    );
  });
});
