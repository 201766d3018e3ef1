// The wrapper every API call goes through, against a port nothing listens on (no answer at all)
// and against the mock GitHub (a refused token).
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubApiError } from '../../src/github/api-error.js';
import { findRunArtifact } from '../../src/github/artifacts.js';
import { createOctokit } from '../../src/github/octokit.js';
import { OWNER, REPO } from './fixtures.js';
import { type MockGitHub, startMockGitHub } from './mock-github-process.js';

const repo = { owner: OWNER, repo: REPO };
let mock: MockGitHub;
beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
});

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<GitHubApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitHubApiError);
  return error as GitHubApiError;
}

describe('GitHubApiError', () => {
  it('names the call and says that nothing answered, after the retries', async () => {
    const octokit = createOctokit({
      token: 'ghs_test',
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      retryDelayMs: 1,
    });
    const error = await rejection(findRunArtifact(octokit, repo, 77, 'perfgate-result-default'));
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /^listing the artifacts of workflow run 77 \(GET \/repos\/\{owner\}\/\{repo\}\/actions\/runs\/\{run_id\}\/artifacts\) failed: no answer \(.*ECONNREFUSED.*\); check that GITHUB_API_URL reaches GitHub's REST API/,
    );
  });

  it('says to check the token on a 401', async () => {
    await mock.reset();
    await mock.seed({ runs: [{ id: 77, headSha: 'b'.repeat(40) }] });
    await mock.fault({
      operationId: 'actions/list-workflow-run-artifacts',
      kind: 'status',
      status: 401,
      message: 'Bad credentials',
      times: 1,
    });
    const octokit = createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl, retryDelayMs: 1 });
    const error = await rejection(findRunArtifact(octokit, repo, 77, 'perfgate-result-default'));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(
      /failed: HTTP 401: Bad credentials; the token was refused: check the `github-token` input$/,
    );
  });

  it('gives up on an API that accepts the request and then says nothing, after the retries', async () => {
    await mock.reset();
    await mock.seed({ runs: [{ id: 77, headSha: 'b'.repeat(40) }] });
    await mock.fault({
      operationId: 'actions/list-workflow-run-artifacts',
      kind: 'stall',
      times: -1,
    });
    const octokit = createOctokit({
      token: 'ghs_test',
      baseUrl: mock.apiUrl,
      retryDelayMs: 1,
      retries: 1,
      requestTimeoutMs: 300,
    });
    const started = Date.now();
    const error = await rejection(findRunArtifact(octokit, repo, 77, 'perfgate-result-default'));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(
      /^listing the artifacts of workflow run 77 \(GET .*\) failed: .*no complete answer within 0\.3 s/,
    );
    const calls = (await mock.state()).requests.filter(
      (r) => r.operationId === 'actions/list-workflow-run-artifacts',
    );
    expect(calls).toHaveLength(2);
  });
});
