import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventContextError, readActionContext } from '../../src/github/context.js';
import { pullRequestEvent, workflowRunEvent } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'perfgate-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function eventFile(payload: unknown): string {
  const path = join(dir, `event-${files++}.json`);
  writeFileSync(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return path;
}

const base = 'a'.repeat(40);
const head = 'b'.repeat(40);
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_RUN_ID: '987',
  GITHUB_SHA: 'c'.repeat(40),
  GITHUB_REF: 'refs/pull/12/merge',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com/',
  RUNNER_TEMP: '/runner/temp',
  ...extra,
});

function contextError(e: NodeJS.ProcessEnv): EventContextError {
  try {
    readActionContext(e);
  } catch (error) {
    if (error instanceof EventContextError) return error;
    throw error;
  }
  throw new Error('expected an EventContextError');
}

describe('readActionContext', () => {
  it('reads a pull_request payload from @octokit/webhooks-examples', () => {
    const payload = pullRequestEvent({
      number: 12,
      baseRef: 'main',
      baseSha: base,
      headRef: 'feature/x',
      headSha: head,
    });
    const context = readActionContext(
      env({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile(payload) }),
    );
    expect(context).toEqual({
      eventName: 'pull_request',
      repo: { owner: 'octo-org', repo: 'octo-repo' },
      sha: 'c'.repeat(40),
      ref: 'refs/pull/12/merge',
      runId: 987,
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      runnerTemp: '/runner/temp',
      pullRequest: {
        number: 12,
        baseRef: 'main',
        baseSha: base,
        headRef: 'feature/x',
        headSha: head,
        fork: false,
      },
      acceptEvent: { action: 'opened', labels: [] },
    });
  });

  it('tells a pull request from a fork', () => {
    const payload = pullRequestEvent({
      number: 3,
      baseRef: 'main',
      baseSha: base,
      headRef: 'patch-1',
      headSha: head,
      fork: true,
    });
    const context = readActionContext(env({ GITHUB_EVENT_PATH: eventFile(payload) }));
    expect(context.pullRequest?.fork).toBe(true);
    // A deleted fork leaves head.repo null.
    (payload.pull_request as { head: { repo: unknown } }).head.repo = null;
    expect(
      readActionContext(env({ GITHUB_EVENT_PATH: eventFile(payload) })).pullRequest?.fork,
    ).toBe(true);
  });

  it('reads a workflow_run payload', () => {
    const payload = workflowRunEvent({
      id: 4242,
      headSha: head,
      conclusion: 'failure',
      pullRequests: [],
    });
    const context = readActionContext(
      env({ GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: eventFile(payload) }),
    );
    expect(context.workflowRun).toEqual({
      id: 4242,
      name: 'perf (collect)',
      event: 'pull_request',
      headSha: head,
      headBranch: 'feature',
      conclusion: 'failure',
      pullRequests: [],
    });
    expect(context.pullRequest).toBeUndefined();
  });

  it('works without an event file (a local run) and defaults the URLs', () => {
    const context = readActionContext({ GITHUB_REPOSITORY: 'o/r' });
    expect(context).toMatchObject({
      eventName: '',
      runId: 0,
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
    });
    expect(context.pullRequest).toBeUndefined();
  });

  it('names the variable or the payload field that is wrong', () => {
    expect(contextError(env({ GITHUB_REPOSITORY: 'just-a-name' })).message).toBe(
      'GITHUB_REPOSITORY is "just-a-name"; expected owner/name',
    );
    expect(contextError(env({ GITHUB_RUN_ID: 'x' })).message).toMatch(/GITHUB_RUN_ID is "x"/);
    expect(contextError(env({ GITHUB_EVENT_PATH: join(dir, 'absent.json') })).message).toMatch(
      /^GITHUB_EVENT_PATH is ".*absent\.json"; expected a readable JSON webhook payload/,
    );
    expect(contextError(env({ GITHUB_EVENT_PATH: eventFile('{not json') })).field).toBe(
      'GITHUB_EVENT_PATH',
    );
    const payload = pullRequestEvent({
      number: 1,
      baseRef: 'main',
      baseSha: base,
      headRef: 'x',
      headSha: head,
    });
    (payload.pull_request as { head: { sha: string } }).head.sha = 'not-a-sha';
    const error = contextError(env({ GITHUB_EVENT_PATH: eventFile(payload) }));
    expect(error.field).toBe("the event payload's pull_request.head.sha");
    expect(error.message).toMatch(/is "not-a-sha"/);
  });
});
