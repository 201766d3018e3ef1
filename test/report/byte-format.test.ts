// One byte format: the comment, the terminal, advice and the bundle notes print a size with
// report/format.ts's formatBytes (decimal units, three significant digits), never their own.
import { describe, expect, it } from 'vitest';
import { lighthouseAdvice } from '../../src/advice/lighthouse.js';
import type { BundleComparison } from '../../src/kinds/bundle/compare.js';
import { packagesNote } from '../../src/kinds/bundle/rows.js';
import type { LighthouseMetric } from '../../src/kinds/lighthouse/extract.js';
import { formatBytes } from '../../src/report/format.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminal } from '../../src/report/terminal.js';
import { makeResult } from './fixture.js';

const SIZE = 182_345;
const PRINTED = '182 kB';

describe('one byte format', () => {
  it('prints one size the same in the comment, the terminal, advice and the bundle notes', () => {
    expect(formatBytes(SIZE)).toBe(PRINTED);

    const result = makeResult();
    const budget = result.budgets.find((b) => b.unit === 'B')!;
    budget.value = SIZE;
    const comment = renderMarkdown(result);
    expect(comment).toContain(`| ${budget.benchmark} | ${budget.target} | gzip | ${PRINTED} |`);
    const terminal = renderTerminal(result, { color: false });
    expect(terminal).toMatch(new RegExp(`within +bundle +total +gzip +${PRINTED} `));

    const metrics = ['lcp', 'fcp', 'tbt', 'speed-index', 'ttfb', 'cls', 'weight', 'score'];
    const [advice] = lighthouseAdvice(
      ['site///tbt'],
      [
        {
          kind: 'lighthouse',
          benchmark: 'site',
          preset: 'desktop',
          server: 'command',
          lighthouseVersion: '12.8.2',
          pages: [
            {
              page: '/',
              metrics: Object.fromEntries(metrics.map((m) => [m, `site///${m}`])) as Record<
                LighthouseMetric,
                string
              >,
              runs: { base: 5, head: 5 },
              worse: [
                {
                  id: 'unused-javascript',
                  title: 'Reduce unused JavaScript',
                  base: { runs: 5, score: 1, savingsMs: 0, savingsBytes: 0 },
                  head: { runs: 5, score: 0.5, savingsMs: 0, savingsBytes: SIZE },
                  grew: ['savingsBytes'],
                  items: [{ url: '/app.js', wastedBytes: SIZE, totalBytes: SIZE }],
                  newItems: [],
                },
              ],
              lcpElement: {},
              warnings: [],
            },
          ],
        },
      ],
    );
    expect(advice!.evidence).toContain(
      `page /: /app.js (${PRINTED} to save, ${PRINTED} transferred)`,
    );

    const bundle = {
      benchmark: 'web',
      composition: {
        packages: [
          {
            name: 'moment',
            base: 0,
            head: SIZE,
            delta: SIZE,
            status: 'added',
            baseInstances: [],
            headInstances: [],
          },
        ],
      },
    } as unknown as BundleComparison;
    expect(packagesNote(bundle)).toBe(`web: packages (generated code): moment added (+${PRINTED})`);
  });
});
