// The mock itself: it must reject what GitHub would reject, or the tests built on it prove
// nothing. Raw fetch is used here so that nothing (Octokit's endpoint methods) can paper over
// a wrong method, path or body.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FULL_NAME } from './fixtures.js';
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

const repo = `/repos/${FULL_NAME}`;
async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${mock.apiUrl}${path}`, {
    method,
    headers: {
      authorization: 'token ghs_test',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? JSON.parse(text) : undefined,
  };
}

describe('the mock GitHub REST API', () => {
  it('accepts a request that matches the OpenAPI description and records it', async () => {
    const created = await call('POST', `${repo}/issues/7/comments`, { body: 'hello' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      body: 'hello',
      user: { login: 'github-actions[bot]', type: 'Bot' },
    });
    const state = await mock.state();
    expect(state.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        operationId: 'issues/create-comment',
        body: { body: 'hello' },
        status: 201,
      }),
    ]);
    expect(state.rejected).toEqual([]);
    expect(state.mockErrors).toEqual([]);
  });

  it('rejects a body that does not match the operation schema', async () => {
    const missing = await call('POST', `${repo}/issues/7/comments`, { text: 'hello' });
    expect(missing.status).toBe(422);
    expect(missing.json.message).toMatch(/must have required property 'body'/);
    const wrongType = await call('POST', `${repo}/check-runs`, {
      name: 'perfgate',
      head_sha: 'b'.repeat(40),
      conclusion: 'passed',
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.message).toMatch(
      /\/conclusion must be equal to one of the allowed values/,
    );
    const notJson = await call('PATCH', `${repo}/issues/comments/1`, '{"body":', {
      'content-type': 'application/json',
    });
    expect(notJson.status).toBe(400);
    const state = await mock.state();
    expect(state.rejected.map((r) => r.status)).toEqual([422, 422, 400]);
    expect(state.requests).toEqual([]);
  });

  it('rejects a path or a method that is not in the API', async () => {
    expect((await call('POST', `${repo}/issues/7/comment`, { body: 'x' })).status).toBe(404);
    expect((await call('PUT', `${repo}/issues/7/comments`, { body: 'x' })).status).toBe(404);
    expect((await call('GET', `${repo}/pulls/seven`)).status).toBe(422);
    const state = await mock.state();
    expect(state.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/no operation in GitHub's REST API matches POST/),
      expect.stringMatching(/PUT is not an operation/),
      expect.stringMatching(/path parameter pull_number is "seven"/),
    ]);
  });

  it('rejects undeclared or mistyped query parameters, and bodies where none is declared', async () => {
    expect((await call('GET', `${repo}/issues/7/comments?perpage=100`)).status).toBe(422);
    expect((await call('GET', `${repo}/issues/7/comments?per_page=lots`)).status).toBe(422);
    expect((await call('DELETE', `${repo}/issues/comments/1`, { body: 'x' })).status).toBe(400);
    expect((await mock.state()).rejected).toHaveLength(3);
  });

  it('requires a token, and enforces GitHub limits on comment and check sizes', async () => {
    expect((await call('GET', `${repo}/pulls/7`, undefined, { authorization: '' })).status).toBe(
      401,
    );
    const long = await call('POST', `${repo}/issues/7/comments`, { body: 'x'.repeat(65_537) });
    expect(long.status).toBe(422);
    expect(long.json.errors).toEqual(['Body is too long (maximum is 65536 characters)']);
    const summary = await call('POST', `${repo}/check-runs`, {
      name: 'perfgate',
      head_sha: 'b'.repeat(40),
      status: 'completed',
      conclusion: 'success',
      output: { title: 't', summary: 'x'.repeat(65_536) },
    });
    expect(summary.status).toBe(422);
  });

  it('paginates with Link headers', async () => {
    await mock.seed({
      comments: Array.from({ length: 45 }, (_, i) => ({ issueNumber: 7, body: `c${i}` })),
    });
    const first = await call('GET', `${repo}/issues/7/comments?per_page=20`);
    expect(first.json.map((c: { body: string }) => c.body)).toEqual(
      Array.from({ length: 20 }, (_, i) => `c${i}`),
    );
    const link = first.headers.get('link') ?? '';
    expect(link).toContain(
      `<${mock.apiUrl}${repo}/issues/7/comments?per_page=20&page=2>; rel="next"`,
    );
    expect(link).toContain('page=3>; rel="last"');
    const third = await call('GET', `${repo}/issues/7/comments?per_page=20&page=3`);
    expect(third.json).toHaveLength(5);
    expect(third.headers.get('link')).not.toContain('rel="next"');
    expect((await mock.state()).mockErrors).toEqual([]);
  });

  it('answers queued faults, then resumes', async () => {
    await mock.fault({ operationId: 'pulls/get', kind: 'status', status: 502, times: 1 });
    expect((await call('GET', `${repo}/pulls/7`)).status).toBe(502);
    expect((await call('GET', `${repo}/pulls/7`)).status).toBe(200);
    await mock.fault({ operationId: 'pulls/get', kind: 'rate-limit', times: 1 });
    const limited = await call('GET', `${repo}/pulls/7`);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const state = await mock.state();
    expect(state.requests.map((r) => [r.status, r.fault])).toEqual([
      [502, '502'],
      [200, undefined],
      [403, 'rate-limit'],
    ]);
    expect(state.mockErrors).toEqual([]);
  });
});
