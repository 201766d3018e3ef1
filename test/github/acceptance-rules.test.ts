// Acceptance in pure code and at the edges: when a kept acceptance still holds (lower- and
// higher-is-better metrics, new regressions, budgets), the command a comment must start with,
// the hidden state read back only when it parses, and the event fields read from the payload.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAcceptCommand } from '../../src/github/acceptance.js';
import { readActionContext } from '../../src/github/context.js';
import { acceptanceState, readAcceptanceState } from '../../src/report/acceptance.js';
import type { Result } from '../../src/result.js';
import { applyAcceptance, canAccept } from '../../src/verdict/acceptance.js';
import { acceptanceOf, httpResult } from '../report/findings-fixture.js';

function withChange(result: Result, key: string, change: number, ci: [number, number]): Result {
  return {
    ...result,
    comparisons: result.comparisons.map((c) =>
      c.key === key ? { ...c, status: 'regressed' as const, change, ci } : c,
    ),
  };
}

describe('applyAcceptance', () => {
  const accepted = acceptanceOf(httpResult(), 'maria');

  it('holds while every regressed metric was accepted and none lies wholly beyond its interval', () => {
    // p50 at [+30%, +40%] overlaps the accepted [+22%, +39%]: not shown to be worse.
    const result = withChange(httpResult(), 'api/GET /shops/acme/p50', 0.35, [0.3, 0.4]);
    const { result: out } = applyAcceptance(result, { previous: accepted });
    expect(out.verdict).toBe('pass');
    expect(out.acceptance).toMatchObject({ status: 'accepted', by: 'maria', verdict: 'fail' });
    // The figures kept are the accepted ones, not this push's.
    expect(out.acceptance!.metrics).toEqual(accepted.metrics);
  });

  it('fails when a lower-is-better metric is worse: its interval starts above the accepted one', () => {
    const result = withChange(httpResult(), 'api/GET /shops/acme/p50', 0.45, [0.4, 0.5]);
    const { result: out, notes } = applyAcceptance(result, { previous: accepted });
    expect(out.verdict).toBe('fail');
    expect(out.acceptance!.status).toBe('exceeded');
    expect(notes[0]).toMatch(
      /GET \/shops\/acme p50 is worse than accepted: its interval \[\+40\.0%, \+50\.0%\] lies beyond the accepted \[\+22\.0%, \+39\.0%\]/,
    );
  });

  it('fails when a higher-is-better metric falls further: throughput below the accepted interval', () => {
    // Accepted at [−29%, −17%]; [−40%, −31%] lies wholly below it.
    const worse = withChange(httpResult(), 'api/GET /shops/acme/throughput', -0.35, [-0.4, -0.31]);
    expect(applyAcceptance(worse, { previous: accepted }).result.verdict).toBe('fail');
    const same = withChange(httpResult(), 'api/GET /shops/acme/throughput', -0.3, [-0.35, -0.25]);
    expect(applyAcceptance(same, { previous: accepted }).result.verdict).toBe('pass');
  });

  it('fails on a regression that was not accepted, and on an exceeded budget', () => {
    const fresh = withChange(httpResult(), 'api/GET /items/42/p50', 0.2, [0.12, 0.28]);
    expect(applyAcceptance(fresh, { previous: accepted }).result.acceptance!.problems).toEqual([
      'GET /items/42 p50 regressed and was not accepted.',
    ]);
    const budget = httpResult({
      budgets: [
        {
          benchmark: 'api',
          target: 'GET /shops/acme',
          metric: 'p95',
          unit: 'ms',
          limit: 5,
          value: 5.4,
          exceeded: true,
        },
      ],
    });
    const out = applyAcceptance(budget, { previous: accepted }).result;
    expect(out.verdict).toBe('fail');
    expect(out.acceptance!.problems[0]).toMatch(/GET \/shops\/acme p95 exceeds its budget/);
  });

  it('a new request from someone with write access replaces what was kept; without it, nothing changes but a note', () => {
    const request = {
      by: 'lee',
      permission: 'admin',
      at: '2026-12-02T11:00:00Z',
      via: 'label' as const,
      reason: '',
    };
    const fresh = withChange(httpResult(), 'api/GET /items/42/p50', 0.2, [0.12, 0.28]);
    const out = applyAcceptance(fresh, { request, previous: accepted }).result;
    expect(out.acceptance).toMatchObject({ status: 'accepted', by: 'lee' });
    expect(out.acceptance!.metrics.map((m) => m.key)).toContain('api/GET /items/42/p50');

    const refused = applyAcceptance(httpResult(), {
      request: { ...request, by: 'rob', permission: 'triage' },
      previous: accepted,
    });
    // The kept acceptance still decides; the refusal is said in the notes.
    expect(refused.result.acceptance).toMatchObject({ status: 'accepted', by: 'maria' });
    expect(refused.notes).toEqual([
      '@rob asked to accept (by label) but has triage permission on this repository; accepting needs write access.',
    ]);
    // A refusal kept by an earlier run is no acceptance to hold to.
    const keptRefusal = applyAcceptance(httpResult(), {
      previous: { ...accepted, status: 'refused', metrics: [] },
    });
    expect(keptRefusal.result.verdict).toBe('fail');
    expect(keptRefusal.result.acceptance).toBeUndefined();
  });

  it('only admin, maintain and write may accept', () => {
    expect(['admin', 'maintain', 'write', 'triage', 'read', 'none'].map(canAccept)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('the command and the hidden state', () => {
  it('reads `/perfgate accept <reason>` on the first line only', () => {
    expect(parseAcceptCommand('/perfgate accept audit log (#40)\nmore')).toEqual({
      reason: 'audit log (#40)',
    });
    expect(parseAcceptCommand('  /PerfGate Accept')).toEqual({ reason: '' });
    expect(parseAcceptCommand('/perfgate accepted')).toBeUndefined();
    expect(parseAcceptCommand('lgtm\n/perfgate accept')).toBeUndefined();
  });

  it('reads back what it wrote, and nothing from a state that does not parse', () => {
    const acceptance = acceptanceOf(httpResult());
    const body = `report\n\n${acceptanceState(acceptance)}\n`;
    expect(readAcceptanceState(body)).toEqual(acceptance);
    const forged = Buffer.from(JSON.stringify({ ...acceptance, status: 'yes' })).toString('base64');
    expect(readAcceptanceState(`<!-- perfgate-acceptance:${forged} -->`)).toBeUndefined();
    expect(readAcceptanceState('<!-- perfgate-acceptance:not base64! -->')).toBeUndefined();
    expect(readAcceptanceState('no state')).toBeUndefined();
  });
});

describe('the event fields acceptance reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-accept-event-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = (name: string, payload: unknown) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(payload));
    return { GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path };
  };
  const sha = 'a'.repeat(40);
  const pr = {
    number: 3,
    base: { ref: 'main', sha, repo: { full_name: 'o/r' } },
    head: { ref: 'x', sha, repo: { full_name: 'o/r' } },
    labels: [{ name: 'perfgate: accept' }, { name: 'bug' }],
  };

  it('a labeled pull_request: the label added and the labels on the pull request', () => {
    const context = readActionContext(
      env('pull_request', {
        action: 'labeled',
        label: { name: 'perfgate: accept' },
        pull_request: pr,
      }),
    );
    expect(context.acceptEvent).toEqual({
      action: 'labeled',
      label: 'perfgate: accept',
      labels: ['perfgate: accept', 'bug'],
    });
  });

  it('an issue_comment on a pull request: the issue, its labels and the comment', () => {
    const context = readActionContext(
      env('issue_comment', {
        action: 'created',
        issue: { number: 3, pull_request: { url: 'https://api.github.com/x' }, labels: [] },
        comment: {
          body: '/perfgate accept ok',
          user: { login: 'maria' },
          created_at: '2026-12-02T10:40:00Z',
        },
      }),
    );
    expect(context.pullRequest).toBeUndefined();
    expect(context.acceptEvent).toEqual({
      action: 'created',
      labels: [],
      issueNumber: 3,
      onPullRequest: true,
      comment: { body: '/perfgate accept ok', login: 'maria', createdAt: '2026-12-02T10:40:00Z' },
    });
  });

  it('a malformed comment names the field', () => {
    expect(() =>
      readActionContext(env('issue_comment', { issue: { number: 3 }, comment: { body: 'x' } })),
    ).toThrow(/the event payload's comment\.user/);
  });
});
