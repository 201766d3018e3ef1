import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commentBody, findMarkedComment, upsertComment } from '../../src/github/comment.js';
import { createOctokit } from '../../src/github/octokit.js';
import { COMMENT_MAX_LENGTH, commentRoom, reportMarker } from '../../src/report/comment-marker.js';
import { renderComment } from '../../src/report/markdown.js';
import { hostileResult } from '../report/hostile.js';
import { OWNER, REPO } from './fixtures.js';
import { type MockGitHub, startMockGitHub } from './mock-github-process.js';

let mock: MockGitHub;
beforeAll(async () => {
  mock = await startMockGitHub();
});
afterAll(async () => {
  await mock?.stop();
});
beforeEach(async () => {
  await mock.reset();
  await mock.seed({
    pulls: [
      {
        number: 7,
        baseRef: 'main',
        baseSha: 'a'.repeat(40),
        headRef: 'x',
        headSha: 'b'.repeat(40),
      },
    ],
  });
});
afterEach(async () => {
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

const repo = { owner: OWNER, repo: REPO };
const marker = reportMarker('default');
const warnings: string[] = [];
const octokit = () =>
  createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl, warn: (m) => warnings.push(m) });
const options = (markdown: string, extra: Partial<Parameters<typeof upsertComment>[1]> = {}) => ({
  repo,
  issueNumber: 7,
  marker,
  markdown,
  policy: 'always' as const,
  changed: true,
  ...extra,
});

describe('upsertComment', () => {
  it('creates one comment, then updates the same one in place', async () => {
    const first = await upsertComment(octokit(), options('report 1'));
    expect(first).toMatchObject({ action: 'created' });
    const second = await upsertComment(octokit(), options('report 2'));
    expect(second).toEqual({ ...first, action: 'updated' });
    const state = await mock.state();
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toBe(`${marker}\nreport 2`);
    expect(state.requests.map((r) => r.operationId)).toEqual([
      'issues/list-comments',
      'issues/create-comment',
      'issues/list-comments',
      'issues/update-comment',
    ]);
  });

  it('finds its comment on a later page of a busy pull request', async () => {
    const others = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ issueNumber: 7, body: `chatter ${i}` }));
    await mock.seed({ comments: others(230) });
    const { comments } = await mock.seed({
      comments: [{ issueNumber: 7, body: `${marker}\nold report` }],
    });
    await mock.seed({ comments: others(20) });
    const outcome = await upsertComment(octokit(), options('new report'));
    expect(outcome).toMatchObject({ action: 'updated', id: comments[0] });
    const state = await mock.state();
    expect(state.comments).toHaveLength(251);
    expect(
      state.requests
        .filter((r) => r.operationId === 'issues/list-comments')
        .map((r) => r.query.page ?? '1'),
    ).toEqual(['1', '2', '3']);
  });

  it('keeps reports with different ids apart', async () => {
    await upsertComment(octokit(), options('api report', { marker: reportMarker('api') }));
    await upsertComment(octokit(), options('web report', { marker: reportMarker('web') }));
    await upsertComment(octokit(), options('api report 2', { marker: reportMarker('api') }));
    const bodies = (await mock.state()).comments.map((c) => c.body);
    expect(bodies).toEqual([
      `${reportMarker('api')}\napi report 2`,
      `${reportMarker('web')}\nweb report`,
    ]);
  });

  it('ignores a marker pasted by a contributor, and a marker quoted mid-comment', async () => {
    await mock.seed({
      comments: [
        {
          issueNumber: 7,
          body: `${marker}\nall green, trust me`,
          user: { login: 'mallory', id: 666 },
        },
        { issueNumber: 7, body: `> quoting\n${marker}` },
      ],
    });
    expect(await findMarkedComment(octokit(), repo, 7, marker)).toBeUndefined();
    const outcome = await upsertComment(octokit(), options('the real report'));
    expect(outcome.action).toBe('created');
    const state = await mock.state();
    expect(state.comments.map((c) => c.body)).toContain(`${marker}\nall green, trust me`);
  });

  it('on-change: stays silent when nothing changed, but always corrects an existing comment', async () => {
    const quiet = await upsertComment(
      octokit(),
      options('no news', { policy: 'on-change', changed: false }),
    );
    expect(quiet).toEqual({ action: 'skipped', reason: expect.stringMatching(/on-change/) });
    expect((await mock.state()).comments).toEqual([]);
    await upsertComment(octokit(), options('a regression', { policy: 'on-change', changed: true }));
    const fixed = await upsertComment(
      octokit(),
      options('fixed again', { policy: 'on-change', changed: false }),
    );
    expect(fixed.action).toBe('updated');
    expect((await mock.state()).comments.map((c) => c.body)).toEqual([`${marker}\nfixed again`]);
  });

  it('never: makes no request at all', async () => {
    const outcome = await upsertComment(octokit(), options('x', { policy: 'never' }));
    expect(outcome.action).toBe('skipped');
    expect((await mock.state()).requests).toEqual([]);
  });

  it('reports a 403 (a read-only fork token) as forbidden instead of throwing', async () => {
    await mock.fault({
      operationId: 'issues/create-comment',
      kind: 'status',
      status: 403,
      times: -1,
    });
    const outcome = await upsertComment(octokit(), options('x'));
    expect(outcome).toEqual({
      action: 'forbidden',
      status: 403,
      message: expect.stringMatching(/Resource not accessible by integration/),
    });
  });

  it('retries a 5xx and then succeeds', async () => {
    await mock.fault({
      operationId: 'issues/create-comment',
      kind: 'status',
      status: 502,
      times: 1,
    });
    expect((await upsertComment(octokit(), options('x'))).action).toBe('created');
    const creates = (await mock.state()).requests.filter(
      (r) => r.operationId === 'issues/create-comment',
    );
    expect(creates.map((r) => r.status)).toEqual([502, 201]);
  });

  it('waits out a primary and a secondary rate limit, saying so', async () => {
    warnings.length = 0;
    await mock.fault(
      { operationId: 'issues/list-comments', kind: 'rate-limit', times: 1 },
      { operationId: 'issues/create-comment', kind: 'secondary-rate-limit', times: 1 },
    );
    expect((await upsertComment(octokit(), options('x'))).action).toBe('created');
    const statuses = (await mock.state()).requests.map((r) => `${r.operationId} ${r.status}`);
    expect(statuses).toEqual([
      'issues/list-comments 403',
      'issues/list-comments 200',
      'issues/create-comment 403',
      'issues/create-comment 201',
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/primary rate limit on GET .*comments.*retrying in \d+s/),
      expect.stringMatching(/secondary rate limit on POST .*retrying in 1s/),
    ]);
  });

  it('finds again, by its marker, a comment rendered to the largest size the limit allows', async () => {
    const id = 'x'.repeat(64);
    const longMarker = reportMarker(id);
    const { body, stage } = renderComment(hostileResult(1000), {
      reportId: id,
      maxLength: commentRoom(longMarker),
    });
    expect(stage).toBe('truncated');
    const first = await upsertComment(octokit(), options(body, { marker: longMarker }));
    expect(first).toMatchObject({ action: 'created' });
    const found = await findMarkedComment(octokit(), repo, 7, longMarker);
    expect(found?.id).toBe(first.action === 'created' ? first.id : undefined);
    expect(found?.body.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(found?.body.length).toBeGreaterThan(COMMENT_MAX_LENGTH - 2000);
  });

  it('refuses a body over the one comment limit rather than posting something GitHub rejects', () => {
    const room = COMMENT_MAX_LENGTH - marker.length - 1;
    expect(() => commentBody(marker, 'x'.repeat(room + 1))).toThrow(/over perfgate's 65000/);
    expect(commentBody(marker, 'x'.repeat(room))).toHaveLength(COMMENT_MAX_LENGTH);
    expect(COMMENT_MAX_LENGTH).toBeLessThan(65_536);
  });
});
