// `baseline: auto`: the look-up of record's baseline artifact for the merge-base, against the
// local GitHub (test/github/mock-github.ts), which checks every request against the OpenAPI
// description. Each way a stored baseline can fail to serve says so in the note it returns.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { baselineArtifactName } from '../../src/constants.js';
import { createOctokit } from '../../src/github/octokit.js';
import { artifactBaseline, lookUpBaseline } from '../../src/history/baseline-artifact.js';
import {
  BASELINE_FILE_NAME,
  createBaselineFile,
  serializeBaseline,
} from '../../src/history/bundle-baseline.js';
import type { BundleOutcome } from '../../src/kinds/bundle/probe.js';
import { OWNER, REPO } from '../github/fixtures.js';
import { type MockGitHub, startMockGitHub } from '../github/mock-github-process.js';
import { makeZip } from '../github/zip-writer.js';

const MERGE_BASE = 'a'.repeat(40);
const OTHER = 'e'.repeat(40);
const SHORT = MERGE_BASE.slice(0, 12);
const NAME = baselineArtifactName(MERGE_BASE, 'default');
const repo = { owner: OWNER, repo: REPO };
const CONFIG = `benchmarks:
  - { name: web, type: bundle, files: ['dist/*.js'], compression: [gzip] }
`;
const config = parseConfig(CONFIG);
const measuredInstead = 'the base was built and measured in this job.';

/** perfgate-baseline.json as record writes it for `sha`: one file of the web benchmark. */
function baselineText(sha: string): string {
  const outcome: Pick<BundleOutcome, 'head' | 'saved'> = {
    head: {
      benchmark: 'web',
      side: 'head',
      sha,
      files: [{ path: 'dist/app.js', raw: 4000, gzip: 1500 }],
      notes: [],
      compressed: 1,
      reused: 0,
      elapsedMs: 3,
    },
    saved: [],
  };
  const file = createBaselineFile(config, sha, new Map([['web', outcome]]), { version: 'test' });
  return serializeBaseline(file!);
}

let mock: MockGitHub;
beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
});
beforeEach(async () => {
  await mock.reset();
  // The run that recorded the baseline built the merge-base; run 61 built another commit.
  await mock.seed({
    runs: [
      { id: 60, headSha: MERGE_BASE },
      { id: 61, headSha: OTHER },
    ],
  });
});
afterEach(async () => {
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

async function seedArtifact(
  files: Array<{ name: string; data: string }>,
  fields: { runId?: number; expired?: boolean } = {},
): Promise<number> {
  const zip = makeZip(files);
  const { artifacts } = await mock.seed({
    artifacts: [
      {
        runId: fields.runId ?? 60,
        name: NAME,
        zipBase64: zip.toString('base64'),
        ...(fields.expired ? { expired: true } : {}),
      },
    ],
  });
  return artifacts[0]!;
}

async function lookUp(cfg = config) {
  const octokit = createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl });
  const logged: string[] = [];
  const found = await lookUpBaseline(
    octokit,
    repo,
    { mergeBase: MERGE_BASE, reportId: 'default', config: cfg },
    (line) => logged.push(line),
  );
  return { ...found, logged };
}

describe('lookUpBaseline', { timeout: 30_000 }, () => {
  it('finds record`s artifact of the merge-base and hands its snapshots on, with no note', async () => {
    const id = await seedArtifact([{ name: BASELINE_FILE_NAME, data: baselineText(MERGE_BASE) }]);
    const found = await lookUp();
    expect(found.notes).toStrictEqual([]);
    expect(found.storedBase).toMatchObject({
      sha: MERGE_BASE,
      source: `${NAME} (artifact id ${id})`,
    });
    expect(found.storedBase!.bundles.web!.files).toStrictEqual([
      { path: 'dist/app.js', raw: 4000, gzip: 1500 },
    ]);
    expect(found.logged).toStrictEqual([
      `Using the stored baseline ${NAME} (artifact id ${id}) for the merge-base ${SHORT}.`,
    ]);
    const ops = (await mock.state()).requests.map((r) => r.operationId);
    expect(ops).toStrictEqual(['actions/list-artifacts-for-repo', 'actions/download-artifact']);
  });

  it('says when there is none, and where one would come from', async () => {
    const found = await lookUp();
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toStrictEqual([
      `No stored baseline ${NAME} of the merge-base ${SHORT} (mode record uploads one for each push to the default branch, kept for the artifact retention period); ${measuredInstead}`,
    ]);
  });

  it('says when it expired, without downloading it', async () => {
    const id = await seedArtifact([{ name: BASELINE_FILE_NAME, data: baselineText(MERGE_BASE) }], {
      expired: true,
    });
    const found = await lookUp();
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toStrictEqual([
      `Stored baseline ${NAME} of the merge-base ${SHORT} not used: artifact id ${id} expired on 2000-01-01T00:00:00Z; ${measuredInstead}`,
    ]);
    const ops = (await mock.state()).requests.map((r) => r.operationId);
    expect(ops).toStrictEqual(['actions/list-artifacts-for-repo']);
  });

  it('says when GitHub refuses the look-up (HTTP 403), naming the call and the permission', async () => {
    await mock.fault({
      operationId: 'actions/list-artifacts-for-repo',
      kind: 'status',
      status: 403,
      times: -1,
    });
    const found = await lookUp();
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toHaveLength(1);
    expect(found.notes[0]).toMatch(
      new RegExp(
        `^Stored baseline ${NAME} of the merge-base ${SHORT} not used: looking it up failed: listing the repository's artifacts named ${NAME} \\(GET /repos/\\{owner\\}/\\{repo\\}/actions/artifacts\\) failed: HTTP 403: .*actions: read.*; the base was built and measured in this job\\.$`,
      ),
    );
  });

  it('says when the file in it is malformed', async () => {
    const id = await seedArtifact([{ name: BASELINE_FILE_NAME, data: '{"format":"perfgate-' }]);
    const found = await lookUp();
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toHaveLength(1);
    expect(found.notes[0]).toMatch(
      new RegExp(
        `^Stored baseline ${NAME} of the merge-base ${SHORT} not used: artifact id ${id} holds a ${BASELINE_FILE_NAME} that is malformed: .*it is not JSON.*; the base was built and measured in this job\\.$`,
      ),
    );
  });

  it('says when it was recorded with other settings', async () => {
    const id = await seedArtifact([{ name: BASELINE_FILE_NAME, data: baselineText(MERGE_BASE) }]);
    const brotli = parseConfig(CONFIG.replace('[gzip]', '[gzip, brotli]'));
    const found = await lookUp(brotli);
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toHaveLength(1);
    expect(found.notes[0]).toMatch(
      new RegExp(
        `^Stored baseline ${NAME} of the merge-base ${SHORT} not used: artifact id ${id} holds a ${BASELINE_FILE_NAME} that is mismatched: .*benchmark "web" was recorded with compression \\["gzip"\\], but the config now says \\["gzip","brotli"\\]`,
      ),
    );
  });

  it('trusts no artifact of that name uploaded by a run of another commit', async () => {
    const id = await seedArtifact([{ name: BASELINE_FILE_NAME, data: baselineText(MERGE_BASE) }], {
      runId: 61,
    });
    const found = await lookUp();
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toStrictEqual([
      `Stored baseline ${NAME} of the merge-base ${SHORT} not used: artifact id ${id} was uploaded by a workflow run of ${OTHER.slice(0, 12)}, not of ${SHORT}; ${measuredInstead}`,
    ]);
  });

  it('says when the artifact holds no baseline file (a record run without bundle benchmarks)', async () => {
    await seedArtifact([{ name: 'perfgate-result.json', data: '{}' }]);
    const found = await lookUp();
    expect(found.storedBase).toBeUndefined();
    expect(found.notes).toStrictEqual([
      `Stored baseline ${NAME} of the merge-base ${SHORT} not used: artifact ${NAME}: the archive has no ${BASELINE_FILE_NAME} (it holds "perfgate-result.json"); ${measuredInstead}`,
    ]);
  });
});

describe('artifactBaseline', { timeout: 30_000 }, () => {
  it('is the look-up plan.ts calls with the merge-base, only where a stored base could serve', async () => {
    await seedArtifact([{ name: BASELINE_FILE_NAME, data: baselineText(MERGE_BASE) }]);
    const octokit = createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl });
    const lookUp = artifactBaseline(octokit, repo, { reportId: 'default', config });
    expect(lookUp.onlyWhereUsable).toBe(true);
    const found = await lookUp.find(MERGE_BASE);
    expect(found.notes).toStrictEqual([]);
    expect(found.storedBase?.sha).toBe(MERGE_BASE);
  });
});
