// The nightly history's artifact against the local GitHub: the newest live one of this
// repository is downloaded; none or only expired ones start a new history, said in a note; a
// refusal stops the run instead of starting over.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubApiError } from '../../src/github/api-error.js';
import { createOctokit } from '../../src/github/octokit.js';
import { downloadHistory } from '../../src/history/series-artifact.js';
import { OWNER, REPO } from '../github/fixtures.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { makeZip } from '../github/zip-writer.js';

const repo = { owner: OWNER, repo: REPO };
const dir = mkdtempSync(join(tmpdir(), 'perfgate-history-'));
let mock: MockGitHub;
beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await mock.reset();
  await mock.seed({
    runs: [
      { id: 70, headSha: 'a'.repeat(40) },
      { id: 71, headSha: 'b'.repeat(40) },
    ],
  });
});
afterEach(async () => {
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

const octokit = () => createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl, retries: 0 });
const zip = (text: string) =>
  makeZip([{ name: 'perfgate-history.json', data: text }]).toString('base64');

describe('downloadHistory', () => {
  it('writes the newest history of an earlier run', async () => {
    const { artifacts } = await mock.seed({
      artifacts: [
        { runId: 70, name: 'perfgate-history', zipBase64: zip('{"night":1}') },
        { runId: 71, name: 'perfgate-history', zipBase64: zip('{"night":2}') },
        { runId: 71, name: 'perfgate-history-other', zipBase64: zip('{"other":true}') },
      ],
    });
    const path = join(dir, 'newest', 'perfgate-history.json');
    const got = await downloadHistory(octokit(), repo, { reportId: 'default', path });
    expect(got.artifactId).toBe(artifacts[1]);
    expect(readFileSync(path, 'utf8')).toBe('{"night":2}');
    expect(got.notes[0]).toMatch(/^History read from the artifact perfgate-history \(id \d+,/);
  });

  it('starts a new history when there is none or it expired, and says so', async () => {
    const path = join(dir, 'none', 'perfgate-history.json');
    expect(await downloadHistory(octokit(), repo, { reportId: 'default', path })).toEqual({
      notes: [
        'No history artifact perfgate-history from an earlier run; a new history starts with this run.',
      ],
    });
    await mock.seed({
      artifacts: [{ runId: 70, name: 'perfgate-history', zipBase64: zip('{}'), expired: true }],
    });
    const expired = await downloadHistory(octokit(), repo, { reportId: 'default', path });
    expect(expired.notes[0]).toMatch(
      /^The history artifact perfgate-history \(id \d+\) expired on 2000-01-01T00:00:00Z; a new history starts/,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('stops on a refusal rather than start a history that would replace the real one', async () => {
    await mock.fault({
      operationId: 'actions/list-artifacts-for-repo',
      kind: 'status',
      status: 403,
      times: 1,
    });
    const error = await downloadHistory(octokit(), repo, {
      reportId: 'default',
      path: join(dir, 'refused.json'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(/HTTP 403.*grant `actions: read`/);
  });
});
