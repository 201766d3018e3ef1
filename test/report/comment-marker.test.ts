import { describe, expect, it } from 'vitest';
import { InputError, inputVariable, readInputs } from '../../src/action/inputs.js';
import { INPUT } from '../../src/constants.js';
import {
  COMMENT_MAX_LENGTH,
  commentRoom,
  isReportId,
  markedBody,
  REPORT_ID_RULE,
  reportMarker,
} from '../../src/report/comment-marker.js';
import { InvalidResultError, ReportOptionError } from '../../src/report/errors.js';
import { validateResult } from '../../src/report/json.js';
import { renderComment } from '../../src/report/markdown.js';
import { makeResult } from './fixture.js';
import { hostileResult } from './hostile.js';

const GOOD = ['default', 'shard-1.api', 'a', 'A_b.c-d', 'x'.repeat(64), '0'];
const BAD = [
  '',
  'a b',
  'x-->',
  'a--b',
  'x'.repeat(65),
  '<!--',
  'api/shard-1',
  '.hidden',
  '..',
  '-x',
];

/** Whether the action's `report-id` input accepts the value. */
function inputAccepts(reportId: string): boolean {
  try {
    readInputs(
      { [inputVariable(INPUT.githubToken)]: 'ghs_x', [inputVariable(INPUT.reportId)]: reportId },
      () => {},
    );
    return true;
  } catch (error) {
    if (error instanceof InputError && error.input === INPUT.reportId) return false;
    throw error;
  }
}

/** Whether the renderer accepts the value as its `reportId` option. */
function rendererAccepts(reportId: string): boolean {
  try {
    renderComment(makeResult(), { reportId });
    return true;
  } catch (error) {
    if (error instanceof ReportOptionError) return false;
    throw error;
  }
}

describe('the report id', () => {
  it('is one rule for the input, the renderer, the result artifact and the marker', () => {
    for (const id of [...GOOD, ...BAD]) {
      const ok = GOOD.includes(id);
      expect(isReportId(id), id).toBe(ok);
      // An empty input is the default id, not an id.
      if (id !== '') expect(inputAccepts(id), id).toBe(ok);
      expect(rendererAccepts(id), id).toBe(ok);
      // A result artifact carries the id it was measured under: the same rule holds there.
      const artifact = () => validateResult({ ...makeResult(), reportId: id });
      if (ok) expect(artifact().reportId, id).toBe(id);
      else expect(artifact, id).toThrow(InvalidResultError);
      if (ok) expect(reportMarker(id)).toBe(`<!-- perfgate:${id} -->`);
      else expect(() => reportMarker(id), id).toThrow(`expected ${REPORT_ID_RULE}`);
    }
  });
});

describe('the comment limit', () => {
  it('holds for the whole posted body, marker included, below GitHub’s 65,536', () => {
    const marker = reportMarker('x'.repeat(64));
    const { body, stage } = renderComment(hostileResult(5000), {
      reportId: 'x'.repeat(64),
      maxLength: commentRoom(marker),
    });
    expect(stage).toBe('truncated');
    const posted = markedBody(marker, body);
    expect(posted.length).toBeLessThanOrEqual(COMMENT_MAX_LENGTH);
    expect(posted.startsWith(`${marker}\n`)).toBe(true);
    expect(COMMENT_MAX_LENGTH).toBeLessThan(65_536);
  });
});
