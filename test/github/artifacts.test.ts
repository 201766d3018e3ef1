// Artifacts through the real @actions/artifact client against the local results service, read
// back through the REST API with the size limits of report mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ArtifactError,
  findRepositoryArtifact,
  findRunArtifact,
  readArtifactFile,
  uploadFileArtifact,
} from '../../src/github/artifacts.js';
import { createOctokit } from '../../src/github/octokit.js';
import { OWNER, REPO } from './fixtures.js';
import { type MockGitHub, runtimeToken, startMockGitHub } from './mock-github-process.js';
import { makeZip } from './zip-writer.js';

const repo = { owner: OWNER, repo: REPO };
const dir = mkdtempSync(join(tmpdir(), 'perfgate-artifacts-'));
let mock: MockGitHub;
const saved = { url: process.env.ACTIONS_RESULTS_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };

beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env.ACTIONS_RESULTS_URL = saved.url;
  process.env.ACTIONS_RUNTIME_TOKEN = saved.token;
  if (saved.url === undefined) delete process.env.ACTIONS_RESULTS_URL;
  if (saved.token === undefined) delete process.env.ACTIONS_RUNTIME_TOKEN;
});
beforeEach(async () => {
  await mock.reset();
  await mock.seed({ runs: [{ id: 55, headSha: 'b'.repeat(40) }] });
});
afterEach(async () => {
  vi.restoreAllMocks();
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

const octokit = () => createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl });

async function upload(name: string, text: string, runId = 55) {
  process.env.ACTIONS_RESULTS_URL = `${mock.resultsUrl}/`;
  process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken(runId);
  const file = join(dir, 'perfgate-result.json');
  writeFileSync(file, text);
  // @actions/core logs the upload as workflow commands; keep them out of the test output.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await uploadFileArtifact(name, file);
  } finally {
    vi.restoreAllMocks();
  }
}

async function artifactError(promise: Promise<unknown>): Promise<ArtifactError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ArtifactError) return error;
    throw error;
  }
  throw new Error('expected an ArtifactError');
}

describe('result artifacts', () => {
  it('uploads through the results service and reads the file back through the REST API', async () => {
    const text = JSON.stringify({ schemaVersion: 1, padding: 'x'.repeat(10_000) });
    const uploaded = await upload('perfgate-result-default', text);
    expect(uploaded).toMatchObject({ name: 'perfgate-result-default' });
    const state = await mock.state();
    expect(state.twirp.map((t) => t.method)).toEqual(['CreateArtifact', 'FinalizeArtifact']);
    expect(state.artifacts).toEqual([
      expect.objectContaining({ id: uploaded.id, runId: 55, name: 'perfgate-result-default' }),
    ]);

    const found = await findRunArtifact(octokit(), repo, 55, 'perfgate-result-default');
    expect(found).toMatchObject({
      id: uploaded.id,
      expired: false,
      workflowRunId: 55,
      headSha: 'b'.repeat(40),
    });
    const bytes = await readArtifactFile(octokit(), repo, found!, { maxBytes: 1_000_000 });
    expect(bytes.toString('utf8')).toBe(text);
  });

  it('refuses a second artifact of the same name in one run (as GitHub does)', async () => {
    await upload('perfgate-result-default', '{}');
    await expect(upload('perfgate-result-default', '{}')).rejects.toThrow(
      /already exists|409|Conflict/i,
    );
  });

  it('finds nothing in a run without the artifact, and the newest live one in the repository', async () => {
    await mock.seed({ runs: [{ id: 56, headSha: 'c'.repeat(40) }] });
    expect(await findRunArtifact(octokit(), repo, 55, 'perfgate-result-default')).toBeUndefined();
    const zip = makeZip([{ name: 'perfgate-result.json', data: '{}' }]).toString('base64');
    const { artifacts } = await mock.seed({
      artifacts: [
        { runId: 55, name: 'perfgate-baseline-abc', zipBase64: zip },
        { runId: 56, name: 'perfgate-baseline-abc', zipBase64: zip },
        { runId: 56, name: 'perfgate-baseline-abc', zipBase64: zip, expired: true },
      ],
    });
    expect((await findRepositoryArtifact(octokit(), repo, 'perfgate-baseline-abc'))?.id).toBe(
      artifacts[1],
    );
    expect(await findRepositoryArtifact(octokit(), repo, 'perfgate-baseline-def')).toBeUndefined();
  });

  it('rejects expired, oversized, bomb-like and malformed artifacts with the reason', async () => {
    const seed = async (zip: Buffer, expired = false) => {
      const name = `a${Math.random().toString(36).slice(2)}`;
      await mock.seed({
        artifacts: [{ runId: 55, name, zipBase64: zip.toString('base64'), expired }],
      });
      return (await findRunArtifact(octokit(), repo, 55, name))!;
    };
    const ok = makeZip([{ name: 'perfgate-result.json', data: '{}' }]);

    const expired = await artifactError(
      readArtifactFile(octokit(), repo, await seed(ok, true), { maxBytes: 1000 }),
    );
    expect(expired.reason).toBe('expired');

    const big = makeZip([
      { name: 'perfgate-result.json', data: Buffer.alloc(5000, 1), method: 'store' },
    ]);
    const oversized = await artifactError(
      readArtifactFile(octokit(), repo, await seed(big), { maxBytes: 1000 }),
    );
    expect(oversized.reason).toBe('oversized');
    expect(oversized.message).toMatch(/over the limit of 1000/);

    const bomb = makeZip([
      { name: 'perfgate-result.json', data: Buffer.alloc(5_000_000), declaredSize: 2 },
    ]);
    const inflated = await artifactError(
      readArtifactFile(octokit(), repo, await seed(bomb), { maxBytes: 100_000 }),
    );
    expect(inflated.reason).toBe('oversized');
    expect(inflated.message).toMatch(/inflates to more than 100000 bytes/);

    const wrongFile = makeZip([{ name: 'results.json', data: '{}' }]);
    const missing = await artifactError(
      readArtifactFile(octokit(), repo, await seed(wrongFile), { maxBytes: 1000 }),
    );
    expect(missing.reason).toBe('malformed');
    expect(missing.message).toMatch(/has no perfgate-result\.json/);

    const notZip = await artifactError(
      readArtifactFile(octokit(), repo, await seed(Buffer.from('{"a":1}')), { maxBytes: 1000 }),
    );
    expect(notZip.reason).toBe('malformed');
  });
});
