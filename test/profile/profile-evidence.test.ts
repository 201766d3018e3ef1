// "Where the time went" in the comment and the summary: the table of a profiled route, its
// links, escaping, and the result schema that carries the diff.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSummary } from '../../src/report/summary.js';
import { resultSchema } from '../../src/result.js';
import { sampleResult } from '../github/sample-result.js';
import { DERIVE_KEY, PBKDF2, pair, profiledFunction, routeProfile } from './fixtures.js';

const SHA = 'a'.repeat(40);

function withProfile(functions = [DERIVE_KEY, PBKDF2], repository?: string) {
  return resultSchema.parse(
    sampleResult({
      head: { ref: 'feature', sha: SHA },
      ...(repository ? { repository } : {}),
      evidence: {
        profile: {
          profiles: [
            routeProfile(functions, {
              files: {
                base: 'r.api-get-login.base.cpuprofile',
                head: 'r.api-get-login.head.cpuprofile',
              },
            }),
          ],
          notes: [],
          elapsedMs: 9_000,
        },
      },
    }),
  );
}

describe('where the time went', () => {
  it('a table of the top functions, ms per request, change, share and whether the PR changed them', () => {
    const md = renderMarkdown(withProfile());
    expect(md).toContain('### Where the time went');
    expect(md).toContain(
      '**api · GET /login**: CPU 1.00 → 5.00 ms per request (3 rounds per side;',
    );
    expect(md).toContain(
      '| Function | Where | Base ms/req | Head ms/req | Change | Share | Changed in this PR? |',
    );
    expect(md).toContain(
      '| deriveKey (new) | server.js:6 → pbkdf2Sync | — | 3.60 | +3.60 | 90% | yes, new |',
    );
    expect(md).toContain(
      '| pbkdf2Sync (new) | node:internal/crypto/pbkdf2:62 ← deriveKey | — | 3.60 | +3.60 | — | — |',
    );
    expect(md).toContain('`.cpuprofile` files are in the result artifact');
  });

  it('links the project’s lines on head when the repository is known', () => {
    const md = renderMarkdown(withProfile(undefined, 'octo/shop'));
    expect(md).toContain(
      `[server.js:6](https://github.com/octo/shop/blob/${SHA}/server.js#L6-L8) → pbkdf2Sync`,
    );
    // Not code outside the repository.
    expect(md).not.toContain('blob/' + SHA + '/node:');
  });

  it('shows at most five rows, only functions that added time, and marks a change within the spread', () => {
    const many = Array.from({ length: 8 }, (_, i) =>
      profiledFunction(
        { name: `f${i}`, file: 'a.js', own: true, changed: false, separated: i !== 0 },
        1,
        2 - i * 0.1,
      ),
    );
    const shrinking = profiledFunction({ name: 'faster', file: 'a.js', own: true }, 2, 1);
    const md = renderSummary(withProfile([...many, shrinking]));
    const rows = md.split('\n').filter((l) => /^\| f\d/.test(l));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toBe('| f0 | a.js:1 | 1.00 | 2.00 | +1.00 ~ | — | no |');
    expect(md).not.toContain('| faster');
  });

  it('escapes names and paths', () => {
    const hostile = profiledFunction(
      { name: 'x|<img src=y>', file: 'dir/@evil [x](http://e).js', own: true, changed: false },
      0.5,
      1.5,
    );
    const md = renderMarkdown(withProfile([hostile]));
    const row = md.split('\n').find((l) => l.startsWith('| x'))!;
    expect(row).toContain('x\\|');
    expect(row).not.toContain('<img');
    expect(row).not.toContain('](http://e)');
  });

  it('says nothing without profiles', () => {
    expect(renderMarkdown(sampleResult())).not.toContain('Where the time went');
  });

  it('the result schema refuses a malformed diff', () => {
    const bad = {
      ...sampleResult(),
      evidence: {
        profile: {
          profiles: [routeProfile([{ ...DERIVE_KEY, attributed: pair(0, Number.NaN) }])],
          notes: [],
          elapsedMs: 1,
        },
      },
    };
    const parsed = resultSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([
      'evidence',
      'profile',
      'profiles',
      0,
      'functions',
      0,
      'attributed',
      'head',
    ]);
  });
});
