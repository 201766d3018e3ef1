// Accepting an intended regression, through the action's compare against the local GitHub: the
// label added by someone with write access passes the gate, by someone with read access it does
// not; `/perfgate accept <reason>` does the same; a later push holds the acceptance only while
// no change is worse than accepted. The measurement is a parameter (a built Result: a route
// made 30% slower beside an unchanged one); the GitHub API and the artifact service are real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionDeps } from '../../src/action/io.js';
import { uploadFileArtifact } from '../../src/github/artifacts.js';
import type { AcceptEventContext } from '../../src/github/context.js';
import { createOctokit } from '../../src/github/octokit.js';
import { runCompare } from '../../src/modes/compare.js';
import { outcomeExitCode } from '../../src/modes/outcome.js';
import { readAcceptanceState } from '../../src/report/acceptance.js';
import type { Result } from '../../src/result.js';
import { context, inputs, type RecordingIo, recordingIo } from '../modes/helpers.js';
import { httpResult, slowRoute, steadyRoute } from '../report/findings-fixture.js';
import { renderedText } from '../report/markdown-checks.js';
import { type MockGitHub, runtimeToken, startMockGitHub } from './mock-github-process.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const LABEL = 'perfgate: accept';
const temp = mkdtempSync(join(tmpdir(), 'perfgate-accept-'));
writeFileSync(
  join(temp, 'perfgate.yml'),
  'benchmarks:\n  - { name: noop, type: command, run: "true" }\n',
);
let mock: MockGitHub;
let io: RecordingIo;
const env = { url: process.env.ACTIONS_RESULTS_URL, token: process.env.ACTIONS_RUNTIME_TOKEN };

const maintainer = { login: 'maria', id: 501, permission: 'write' as const };
const reader = { login: 'rob', id: 502, permission: 'read' as const };

beforeAll(async () => {
  mock = await startMockGitHub();
  process.env.ACTIONS_RESULTS_URL = `${mock.resultsUrl}/`;
  process.env.ACTIONS_RUNTIME_TOKEN = runtimeToken(987);
});
afterAll(async () => {
  await mock?.stop();
  rmSync(temp, { recursive: true, force: true });
  for (const [key, value] of [
    ['ACTIONS_RESULTS_URL', env.url],
    ['ACTIONS_RUNTIME_TOKEN', env.token],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
beforeEach(async () => {
  io = recordingIo();
  await mock.reset();
  await mock.seed({
    pulls: [{ number: 12, baseRef: 'main', baseSha: BASE, headRef: 'audit-log', headSha: HEAD }],
    runs: [{ id: 987, headSha: HEAD }],
    collaborators: [maintainer, reader],
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  const state = await mock.state();
  expect(state.rejected).toEqual([]);
  expect(state.mockErrors).toEqual([]);
});

function deps(measured: Result): ActionDeps {
  return {
    io,
    cwd: temp,
    github: () => createOctokit({ token: 'ghs_test', baseUrl: mock.apiUrl }),
    measure: async () => measured,
    upload: (name, file) => uploadFileArtifact(name, file),
  };
}

function prContext(acceptEvent: AcceptEventContext) {
  return context({
    runnerTemp: temp,
    pullRequest: {
      number: 12,
      baseRef: 'main',
      baseSha: BASE,
      headRef: 'audit-log',
      headSha: HEAD,
      fork: false,
    },
    acceptEvent,
  });
}

const labeled: AcceptEventContext = { action: 'labeled', label: LABEL, labels: [LABEL] };
const pushed: AcceptEventContext = { action: 'synchronize', labels: [LABEL] };

async function labelBy(user: { login: string; id: number }) {
  await mock.seed({
    issueEvents: [
      {
        issueNumber: 12,
        event: 'labeled',
        label: LABEL,
        actor: user,
        createdAt: '2026-12-02T10:30:00Z',
      },
    ],
  });
}

describe('accepting a regression', () => {
  it('the label added by a user with write access: exit 0, a successful check, the comment names who accepted what', async () => {
    await labelBy(maintainer);
    const outcome = await runCompare(inputs(), prContext(labeled), deps(httpResult()));
    expect(outcomeExitCode(outcome)).toBe(0);
    const state = await mock.state();
    expect(state.requests.map((r) => r.operationId)).toContain(
      'repos/get-collaborator-permission-level',
    );
    expect(
      state.requests.find((r) => r.operationId === 'repos/get-collaborator-permission-level')!.path,
    ).toMatch(/\/collaborators\/maria\/permission$/);
    expect(state.checkRuns).toEqual([expect.objectContaining({ conclusion: 'success' })]);
    expect(state.checkRuns[0]!.output.title).toMatch(/^accepted by @maria: /);
    const body = state.comments[0]!.body;
    const text = renderedText(body);
    expect(body).toMatch(/^## ✅ perfgate: accepted — 5 regressions/m);
    expect(text).toMatch(/Accepted by @maria \(write\) by label on 2026-12-02 10:30 UTC/);
    expect(text).toMatch(/- GET \/shops\/acme: p50 \+30\.0% \[\+22\.0%, \+39\.0%\], p95/);
    // The result JSON keeps it, as does the comment's hidden state.
    const written = JSON.parse(readFileSync(io.outputs['result-path']!, 'utf8')) as Result;
    expect(written.verdict).toBe('pass');
    expect(written.acceptance).toMatchObject({
      status: 'accepted',
      by: 'maria',
      via: 'label',
      verdict: 'fail',
    });
    expect(written.acceptance!.metrics.map((m) => m.key)).toHaveLength(5);
    expect(readAcceptanceState(body)).toEqual(written.acceptance);
    expect(io.outputs.verdict).toBe('pass');
  });

  it('the same label from a user with read access: the gate still fails and says why', async () => {
    await labelBy(reader);
    const outcome = await runCompare(inputs(), prContext(labeled), deps(httpResult()));
    expect(outcomeExitCode(outcome)).toBe(1);
    const state = await mock.state();
    expect(state.checkRuns).toEqual([expect.objectContaining({ conclusion: 'failure' })]);
    const body = state.comments[0]!.body;
    const text = renderedText(body);
    expect(body).toMatch(/^## ❌ perfgate: fail/m);
    expect(text).not.toMatch(/Accepted by/);
    expect(text).toMatch(/Not accepted: @rob asked by label .* without write access/);
    expect(text).toMatch(/@rob asked to accept \(by label\) but has read permission/);
    const written = JSON.parse(readFileSync(io.outputs['result-path']!, 'utf8')) as Result;
    expect(written.acceptance).toMatchObject({ status: 'refused', by: 'rob', metrics: [] });
    expect(written.verdict).toBe('fail');
  });

  it('a user who is not a collaborator, the PR author among them, cannot accept by comment', async () => {
    const event: AcceptEventContext = {
      action: 'created',
      labels: [],
      issueNumber: 12,
      onPullRequest: true,
      comment: {
        body: '/perfgate accept I wrote it',
        login: 'outsider',
        createdAt: '2026-12-02T10:40:00Z',
      },
    };
    // An issue_comment event carries no pull request: it is read through the API.
    const commented = context({ runnerTemp: temp, eventName: 'issue_comment', acceptEvent: event });
    const outcome = await runCompare(inputs(), commented, deps(httpResult()));
    expect(outcomeExitCode(outcome)).toBe(1);
    const state = await mock.state();
    expect(state.requests[0]).toMatchObject({
      operationId: 'pulls/get',
      path: expect.stringMatching(/\/pulls\/12$/),
    });
    expect(state.checkRuns).toEqual([
      expect.objectContaining({ head_sha: HEAD, conclusion: 'failure' }),
    ]);
    expect(renderedText((await mock.state()).comments[0]!.body)).toMatch(
      /@outsider asked to accept \(by comment\) but has none permission/,
    );
  });

  it('`/perfgate accept <reason>` from a maintainer records the reason; a later push holds while no change is worse', async () => {
    const event: AcceptEventContext = {
      action: 'created',
      labels: [],
      issueNumber: 12,
      onPullRequest: true,
      comment: {
        body: '/perfgate accept audit log on every order (#40)\nthanks',
        login: 'maria',
        createdAt: '2026-12-02T10:40:00Z',
      },
    };
    expect(outcomeExitCode(await runCompare(inputs(), prContext(event), deps(httpResult())))).toBe(
      0,
    );
    let body = renderedText((await mock.state()).comments[0]!.body);
    expect(body).toMatch(
      /Accepted by @maria \(write\) by comment on 2026-12-02 10:40 UTC: “audit log on every order \(#40\)”/,
    );

    // A later push, about the same: still accepted (the comment's hidden state is read back).
    const push: AcceptEventContext = { action: 'synchronize', labels: [] };
    io = recordingIo();
    expect(outcomeExitCode(await runCompare(inputs(), prContext(push), deps(httpResult())))).toBe(
      0,
    );
    body = renderedText((await mock.state()).comments[0]!.body);
    expect(body).toMatch(/Accepted by @maria/);

    // A push that makes p50 worse than accepted: head's interval [+45%, +60%] lies beyond [+22%, +39%].
    const worse = httpResult();
    const p50 = worse.comparisons.find((c) => c.key === 'api/GET /shops/acme/p50')!;
    Object.assign(p50, { change: 0.52, ci: [0.45, 0.6] });
    io = recordingIo();
    const failed = await runCompare(inputs(), prContext(push), deps(worse));
    expect(outcomeExitCode(failed)).toBe(1);
    const state = await mock.state();
    expect(state.checkRuns.at(-1)!.conclusion).toBe('failure');
    body = renderedText(state.comments[0]!.body);
    expect(body).toMatch(/No longer accepted: @maria accepted by comment/);
    expect(body).toMatch(/GET \/shops\/acme p50 is worse than accepted/);
    const written = JSON.parse(readFileSync(io.outputs['result-path']!, 'utf8')) as Result;
    expect(written.acceptance).toMatchObject({ status: 'exceeded', by: 'maria' });
  });

  it('a permission look-up GitHub refuses leaves the gate to decide alone, with a warning', async () => {
    await labelBy(maintainer);
    await mock.fault({
      operationId: 'repos/get-collaborator-permission-level',
      kind: 'status',
      status: 403,
      times: -1,
    });
    const outcome = await runCompare(inputs(), prContext(labeled), deps(httpResult()));
    expect(outcomeExitCode(outcome)).toBe(1);
    expect(io.warnings).toEqual([
      expect.stringMatching(
        /^Could not read whether the regressions were accepted: reading the permission of @maria \(GET \/repos\/\{owner\}\/\{repo\}\/collaborators\/\{username\}\/permission\) failed: HTTP 403/,
      ),
    ]);
    const state = await mock.state();
    expect(state.checkRuns).toEqual([expect.objectContaining({ conclusion: 'failure' })]);
    expect(renderedText(state.comments[0]!.body)).not.toMatch(/accept/i);
  });

  it('a new regressed target on a later push fails again', async () => {
    await labelBy(maintainer);
    const first = httpResult({ comparisons: [...slowRoute(), ...steadyRoute()] });
    expect(outcomeExitCode(await runCompare(inputs(), prContext(labeled), deps(first)))).toBe(0);
    const second = httpResult();
    const items = second.comparisons.find((c) => c.key === 'api/GET /items/42/p50')!;
    Object.assign(items, { status: 'regressed', change: 0.2, ci: [0.12, 0.28] });
    io = recordingIo();
    expect(outcomeExitCode(await runCompare(inputs(), prContext(pushed), deps(second)))).toBe(1);
    expect(renderedText((await mock.state()).comments[0]!.body)).toMatch(
      /GET \/items\/42 p50 regressed and was not accepted/,
    );
  });
});
