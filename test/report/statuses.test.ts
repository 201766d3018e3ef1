import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { describeCounts, STATUS_ORDER, sortComparisons } from '../../src/report/statuses.js';
import { renderTerminal } from '../../src/report/terminal.js';
import { makeResult } from './fixture.js';
import { tableCells } from './markdown-checks.js';

const ORDER = ['regressed', 'improved', 'inconclusive', 'unchanged'];

describe('the one status order', () => {
  it('is regressed, improved, inconclusive, unchanged; stable within a status', () => {
    expect(
      Object.entries(STATUS_ORDER)
        .sort(([, a], [, b]) => a - b)
        .map(([status]) => status),
    ).toEqual(ORDER);
    const result = makeResult();
    result.comparisons.reverse();
    const sorted = sortComparisons(result.comparisons);
    expect(sorted.map((c) => c.status)).toEqual([
      'regressed',
      'improved',
      'inconclusive',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const unchanged = result.comparisons.filter((c) => c.status === 'unchanged');
    expect(sorted.slice(3)).toEqual(unchanged);
  });

  it('is the order of the comment, the terminal and the count line alike', () => {
    const result = makeResult();
    result.comparisons.reverse();
    const comment = renderMarkdown(result)
      .split('\n')
      .filter(
        (l) => l.startsWith('| ') && / (regressed|improved|inconclusive|unchanged) \|$/.test(l),
      )
      .map((l) => tableCells(l).at(-1)!.split(' ')[1]!);
    const terminal = renderTerminal(result, { color: false })
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0]!)
      .filter((word) => ORDER.includes(word));
    const counted = describeCounts(result)
      .split(' · ')
      .map((part) => ORDER.find((s) => part.includes(s.slice(0, 7))))
      .filter((s) => s !== undefined);
    const expected = sortComparisons(result.comparisons).map((c) => c.status);
    expect(comment).toEqual(expected);
    expect(terminal).toEqual(expected);
    expect(counted).toEqual(ORDER);
  });
});
