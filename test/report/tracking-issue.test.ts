// The tracking issue's decision, hidden state and Markdown, without GitHub: a confirmed
// regression opens, a quiet night updates, a recovery closes, another regression comments.
import { describe, expect, it } from 'vitest';
import {
  decideTracking,
  readTrackingState,
  renderNewRegressionComment,
  renderRecoveryComment,
  renderTrackingIssue,
  trackingMarker,
  trendNight,
  worsening,
} from '../../src/report/tracking-issue.js';
import { CULPRIT, history, NIGHT, trendResult } from '../github/trend-result.js';

const options = { reportId: 'default', runUrl: 'https://github.com/o/r/actions/runs/7' };

function opened() {
  const night = trendNight(trendResult(5, 0.2), history(5));
  const decision = decideTracking(night, undefined);
  if (decision.action !== 'open') throw new Error(`expected open, got ${decision.action}`);
  return { night, state: decision.state };
}

describe('decideTracking', () => {
  it('opens on a confirmed regression and does nothing on a quiet night without an issue', () => {
    const { state } = opened();
    expect(state.regressions).toHaveLength(1);
    expect(state.regressions[0]).toMatchObject({
      id: CULPRIT,
      culprit: { sha: CULPRIT, subject: 'Parse orders twice', author: 'Mona Lisa' },
      metrics: [{ key: 'api/GET /orders/p50', before: 10.1, threshold: 0.05 }],
    });
    const quiet = trendNight(trendResult(6, 0.01), history(6));
    expect(decideTracking(quiet, undefined)).toEqual({
      action: 'nothing',
      reason: 'no regression confirmed tonight',
    });
  });

  it('updates while the metric stays over its threshold, closes once it is back within it', () => {
    const { state } = opened();
    // The next night compares with the regressed night: unchanged, but the level is still +20%.
    const still = trendResult(6, 0.2, { regressed: false });
    expect(decideTracking(trendNight(still), { state }).action).toBe('update');
    const back = trendNight(trendResult(7, 0.04, { regressed: false }));
    const decision = decideTracking(back, { state });
    expect(decision.action).toBe('close');
    if (decision.action === 'close') {
      expect(decision.levels).toEqual([
        expect.objectContaining({ recovered: true, level: expect.closeTo(10.1 * 1.04, 6) }),
      ]);
    }
  });

  it('comments on another regression, never a second issue, and the same one twice is an update', () => {
    const { state } = opened();
    const other = trendNight(trendResult(8, 0.3, { culprit: 'd'.repeat(40) }));
    const decision = decideTracking(other, { state });
    expect(decision.action).toBe('comment');
    if (decision.action !== 'comment') return;
    expect(decision.added.id).toBe('d'.repeat(40));
    expect(decision.state.regressions.map((r) => r.id)).toEqual([CULPRIT, 'd'.repeat(40)]);
    expect(decideTracking(other, { state: decision.state }).action).toBe('update');
  });

  it('names a regression without a culprit by its range, and keeps an issue whose state is unreadable', () => {
    const night = trendNight(trendResult(5, 0.2, { culprit: null }));
    expect(night.regression).toMatchObject({
      id: `${NIGHT(4)}..${NIGHT(5)}`,
      culprit: null,
      suspects: 2,
    });
    const quiet = trendNight(trendResult(6, 0.0, { regressed: false }));
    expect(decideTracking(quiet, { state: undefined }).action).toBe('update');
  });

  it('measures worsening on each metric scale and direction', () => {
    expect(worsening({ better: 'lower', scale: 'ratio' }, 10, 11)).toBeCloseTo(0.1);
    expect(worsening({ better: 'higher', scale: 'ratio' }, 100, 90)).toBeCloseTo(0.1);
    expect(worsening({ better: 'lower', scale: 'difference' }, 0.01, 0.03)).toBeCloseTo(0.02);
    expect(worsening({ better: 'higher', scale: 'ratio' }, 100, 120)).toBeLessThan(0);
  });
});

describe('the issue body', () => {
  it('starts with the marker, carries its state and shows culprit, change, bisect and chart', () => {
    const { night, state } = opened();
    const { title, body } = renderTrackingIssue(state, night, options);
    expect(title).toBe('perfgate: performance regression, api · GET /orders · p50 +20.0%');
    expect(body.startsWith(`${trackingMarker('default')}\n`)).toBe(true);
    expect(readTrackingState(body)).toEqual(state);
    expect(body).toContain('**Caused by** `c0ffeec` "Parse orders twice" by Mona Lisa.');
    expect(body).toContain(
      '| api · GET /orders · p50 | 10.1 ms | 12.1 ms | +20.0% | [+18.0%, +22.0%] | +5.0% |',
    );
    expect(body).toContain('<details><summary>Bisect: 2 steps</summary>');
    expect(body).toContain('| 1 | `c0ffeec` | regressed | +20.0% |');
    expect(body).toContain('```mermaid');
    expect(body).toContain(`"${NIGHT(5).slice(0, 7)} change"`);
    // Four earlier nights at 10 ms, tonight at 12.12 ms; the limit is 10.1 ms + 5%.
    expect(body).toContain('  line [10, 10, 10, 10, 12.12]');
    expect(body).toContain('  line [10.61, 10.61, 10.61, 10.61, 10.61]');
    expect(body).toContain(
      '1 of 1 still over the threshold ([workflow run](https://github.com/o/r/actions/runs/7)).',
    );
  });

  it('names the pull request that merged the culprit and escapes what commits say', () => {
    const result = trendResult(5, 0.2, { subject: 'Fix @admin <img src=x> see #12 --> done' });
    result.trend!.culprit!.pullRequest = 42;
    const night = trendNight(result, history(5));
    const state = decideTracking(night, undefined);
    if (state.action !== 'open') throw new Error('expected open');
    const { body } = renderTrackingIssue(state.state, night, options);
    expect(body).toContain(', merged in #42.');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('@admin');
    expect(body.match(/-->/g)).toHaveLength(2);
    expect(readTrackingState(body)?.regressions[0]?.culprit?.subject).toContain('<img src=x>');
  });

  it('ignores a state that is not what perfgate wrote', () => {
    expect(readTrackingState('no state')).toBeUndefined();
    const forged = Buffer.from(JSON.stringify({ version: 2, regressions: [] })).toString('base64');
    expect(readTrackingState(`<!-- perfgate-state:${forged} -->`)).toBeUndefined();
    expect(readTrackingState('<!-- perfgate-state:%%% -->')).toBeUndefined();
  });

  it('stays under the comment limit by shortening in stages', () => {
    const { night, state } = opened();
    const many = {
      ...state,
      regressions: Array.from({ length: 50 }, (_, i) => ({
        ...state.regressions[0]!,
        id: `r${i}`,
        steps: Array.from({ length: 200 }, () => state.regressions[0]!.steps[0]!),
      })),
    };
    const { body } = renderTrackingIssue(many, night, options);
    expect(body.length).toBeLessThanOrEqual(65_000);
    expect(readTrackingState(body)?.regressions.map((r) => r.id)).toEqual(['r49']);
    const fewer = renderTrackingIssue(
      { ...many, regressions: many.regressions.slice(0, 3) },
      night,
      options,
    );
    expect(readTrackingState(fewer.body)?.regressions).toHaveLength(3);
  });

  it('renders the comments for another regression and for the recovery', () => {
    const { night, state } = opened();
    const comment = renderNewRegressionComment(state.regressions[0]!, night, options);
    expect(comment).toMatch(/^### Another regression\n\nFound by the nightly of `0505050`/);
    const back = trendNight(trendResult(7, 0.02, { regressed: false }));
    const decision = decideTracking(back, { state });
    if (decision.action !== 'close') throw new Error('expected close');
    expect(renderRecoveryComment(decision.levels, back, options)).toContain(
      '- api · GET /orders · p50: 10.3 ms tonight, 10.1 ms before the change (threshold +5.0%).',
    );
  });
});
