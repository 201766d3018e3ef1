import { describe, expect, it } from 'vitest';
import { InvalidResultError, ReportOptionError } from '../../src/report/errors.js';
import { parseResult, serializeResult, validateResult } from '../../src/report/json.js';
import { findJsonSyntaxProblem, MAX_JSON_DEPTH } from '../../src/report/json-syntax.js';
import { MAX_RESULT_BYTES, type Result } from '../../src/result.js';
import { makeResult } from './fixture.js';
import { seededRandom } from './markdown-checks.js';

/** The error `fn` throws, for checking its fields. */
function caught(fn: () => unknown): InvalidResultError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidResultError) return error;
    throw error;
  }
  throw new Error('expected an InvalidResultError');
}

// biome-ignore lint/suspicious/noExplicitAny: tests reach into parsed JSON to break it on purpose.
type Json = Record<string, any>;

/** The fixture's JSON with one change made to the parsed value. */
function mutated(change: (value: Json) => void): string {
  const value = JSON.parse(serializeResult(makeResult()));
  change(value);
  return JSON.stringify(value);
}

describe('serializeResult', () => {
  it('writes one line of JSON in schema order that reads back to the same result', () => {
    const result = makeResult();
    const text = serializeResult(result);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.trimEnd()).not.toContain('\n');
    expect(
      text.startsWith(
        '{"schemaVersion":1,"tool":{"name":"perfgate","version":"0.1.0"},"mode":"compare","verdict":"fail",',
      ),
    ).toBe(true);
    expect(parseResult(text)).toEqual(result);
    expect(parseResult(new TextEncoder().encode(text))).toEqual(result);
  });

  it('refuses a result that readers would reject, naming the field', () => {
    const notFinite = makeResult();
    notFinite.comparisons[2]!.change = Number.POSITIVE_INFINITY;
    const error = caught(() => serializeResult(notFinite));
    expect(error.kind).toBe('schema');
    expect(error.path).toBe('$.comparisons[2].change');
    expect(error.message).toBe(
      'invalid perfgate result at $.comparisons[2].change: cannot serialize: Invalid input: expected number, received Infinity; got Infinity',
    );

    const extra = { ...makeResult(), secret: 'x' } as Result;
    expect(caught(() => serializeResult(extra)).path).toBe('$.secret');
  });
});

describe('parseResult: size and encoding come first', () => {
  it('rejects input over maxBytes before parsing, counting UTF-8 bytes', () => {
    const result = makeResult();
    result.notes = ['日本語のメモ'];
    const text = serializeResult(result);
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBeGreaterThan(text.length);
    expect(parseResult(text, { maxBytes: bytes })).toEqual(result);
    const error = caught(() => parseResult(text, { maxBytes: bytes - 1 }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toBe(
      `invalid perfgate result at $: ${bytes} bytes is over the limit of ${bytes - 1} bytes`,
    );
    // Not JSON at all, but too large is what is said: nothing was parsed.
    expect(caught(() => parseResult('x'.repeat(2000), { maxBytes: 1000 })).kind).toBe('too-large');
    expect(caught(() => parseResult(new Uint8Array(2000), { maxBytes: 1000 })).message).toBe(
      'invalid perfgate result at $: 2000 bytes is over the limit of 1000 bytes',
    );
  });

  it('defaults to the contract limit of 20 MiB', () => {
    const huge = ' '.repeat(MAX_RESULT_BYTES + 1);
    expect(caught(() => parseResult(huge)).kind).toBe('too-large');
  });

  it('rejects invalid UTF-8 and a byte-order mark', () => {
    expect(caught(() => parseResult(new Uint8Array([0x7b, 0xff, 0x7d]))).message).toBe(
      'invalid perfgate result at $: the input is not valid UTF-8',
    );
    const withBom = `\uFEFF${serializeResult(makeResult())}`;
    expect(caught(() => parseResult(withBom)).kind).toBe('encoding');
    const bomBytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    expect(caught(() => parseResult(bomBytes)).kind).toBe('encoding');
  });

  it('rejects a bad maxBytes option', () => {
    expect(() => parseResult('{}', { maxBytes: 0 })).toThrow(
      new ReportOptionError('maxBytes', 0, 'a positive integer number of bytes'),
    );
    expect(() => parseResult('{}', { maxBytes: 1.5 })).toThrow(ReportOptionError);
  });
});

describe('parseResult: syntax errors name the line, the column and the field', () => {
  it('points at a bare word inside a comparison', () => {
    const text = serializeResult(makeResult()).replace(
      '"status":"regressed"',
      '"status":regressed',
    );
    const error = caught(() => parseResult(text));
    expect(error.kind).toBe('syntax');
    expect(error.path).toBe('$.comparisons[0].status');
    expect(error.position).toEqual({
      offset: text.indexOf(':regressed') + 1,
      line: 1,
      column: text.indexOf(':regressed') + 2,
    });
    expect(error.message).toBe(
      `invalid perfgate result at $.comparisons[0].status (line 1, column ${text.indexOf(':regressed') + 2}): expected a value, found "r"`,
    );
  });

  it('counts lines and columns in pretty-printed JSON', () => {
    const cases: Array<[string, string, number, number, string]> = [
      ['{\n  "a": [1, 2,\n  ]\n}', '$.a[2]', 3, 3, 'expected a value, found "]"'],
      [
        '{\n  "a": {"b": 1 "c": 2}\n}',
        '$.a.b',
        2,
        16, // the quote opening "c"
        'expected "," or "}" after a property value, found "\\""',
      ],
      ['{"a": "x\ny"}', '$.a', 1, 9, 'control character U+000A inside a string (must be escaped)'],
      ['{"a": "\\q"}', '$.a', 1, 8, 'invalid escape \\q in a string'],
      ['{"a": "\\u12G4"}', '$.a', 1, 8, 'expected four hexadecimal digits after \\u'],
      ['{"a": "open', '$.a', 1, 7, 'unterminated string'],
      ['{"a": 01}', '$.a', 1, 8, 'invalid number: unexpected "1"'],
      ['{"a": -}', '$.a', 1, 8, 'invalid number: expected a digit, found "}"'],
      ['{"a": 1.}', '$.a', 1, 8, 'invalid number: unexpected "."'],
      ['{"a": tru}', '$.a', 1, 7, 'expected a value, found "t"'],
      ["{'a': 1}", '$', 1, 2, 'expected a property name in double quotes, found "\'"'],
      ['{"a" 1}', '$', 1, 6, 'expected ":" after property name "a", found "1"'],
      [
        '{"a": 1} x',
        '$',
        1,
        10,
        'expected the end of the input after the top-level value, found "x"',
      ],
      [
        '[1, 2',
        '$[1]',
        1,
        6,
        'expected "," or "]" after an array element, found the end of the input',
      ],
      ['  \n ', '$', 2, 2, 'the input is empty'],
      ['{"we ird": [{"k": NaN}]}', '$["we ird"][0].k', 1, 19, 'expected a value, found "N"'],
    ];
    for (const [text, path, line, column, detail] of cases) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      const error = caught(() => parseResult(text));
      expect(
        {
          kind: error.kind,
          path: error.path,
          line: error.position?.line,
          column: error.position?.column,
          detail: error.detail,
        },
        text,
      ).toEqual({ kind: 'syntax', path, line, column, detail });
    }
  });

  it('stops at a nesting depth no result has', () => {
    const deep = '['.repeat(100_000);
    const error = caught(() => parseResult(deep));
    expect(error.detail).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(error.path).toBe(`$${'[0]'.repeat(MAX_JSON_DEPTH)}`);
  });

  it('agrees with JSON.parse on thousands of seeded corruptions of a real result', () => {
    const text = JSON.stringify(JSON.parse(serializeResult(makeResult())), null, 2);
    const random = seededRandom(7);
    const noise = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      '-',
      '.',
      'e',
      '0',
      '1',
      ' ',
      '\n',
      'a',
      'n',
      't',
      '\u0001',
    ];
    let invalid = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const at = Math.floor(random() * text.length);
      const op = Math.floor(random() * 3);
      const ch = noise[Math.floor(random() * noise.length)]!;
      const corrupted =
        op === 0
          ? text.slice(0, at) + text.slice(at + 1)
          : op === 1
            ? text.slice(0, at) + ch + text.slice(at)
            : text.slice(0, at) + ch + text.slice(at + 1);
      let parses = true;
      try {
        JSON.parse(corrupted);
      } catch {
        parses = false;
      }
      const problem = findJsonSyntaxProblem(corrupted);
      expect(
        problem === undefined,
        JSON.stringify(corrupted.slice(Math.max(0, at - 20), at + 20)),
      ).toBe(parses);
      if (problem) {
        invalid += 1;
        expect(problem.offset).toBeGreaterThanOrEqual(0);
        expect(problem.offset).toBeLessThanOrEqual(corrupted.length);
        expect(problem.path.startsWith('$')).toBe(true);
      }
    }
    // Both outcomes were exercised.
    expect(invalid).toBeGreaterThan(1000);
    expect(invalid).toBeLessThan(3000);
  });
});

describe('parseResult: schema errors name the first bad field', () => {
  const cases: Array<[string, (v: Json) => void, string, string]> = [
    [
      'a status that does not exist',
      (v) => {
        v.comparisons[3].status = 'worse';
      },
      '$.comparisons[3].status',
      'Invalid option: expected one of "regressed"|"improved"|"unchanged"|"inconclusive"; got "worse"',
    ],
    [
      'a confidence interval with one bound',
      (v) => {
        v.comparisons[1].ci = [0.1];
      },
      '$.comparisons[1].ci',
      'Too small: expected array to have >=2 items; got an array of 1 item',
    ],
    [
      'a number written as a string',
      (v) => {
        v.comparisons[1].ci[1] = '0.2';
      },
      '$.comparisons[1].ci[1]',
      'Invalid input: expected number, received string; got "0.2"',
    ],
    [
      'a missing commit',
      (v) => {
        delete v.head.sha;
      },
      '$.head.sha',
      'Invalid input: expected string, received undefined; the field is missing',
    ],
    [
      'a commit that is not hexadecimal',
      (v) => {
        v.head.sha = 'main; rm -rf /';
      },
      '$.head.sha',
      'must be a hexadecimal commit id; got "main; rm -rf /"',
    ],
    [
      'an unknown field',
      (v) => {
        v.comparisons[0].extra = 1;
      },
      '$.comparisons[0].extra',
      'unknown field; schema version 1 has no such field',
    ],
    [
      'a newer schema version',
      (v) => {
        v.schemaVersion = 2;
      },
      '$.schemaVersion',
      'schema version 2 is not supported; this perfgate reads version 1',
    ],
    [
      'too many notes',
      (v) => {
        v.notes = Array.from({ length: 201 }, () => 'x');
      },
      '$.notes',
      'Too big: expected array to have <=200 items; got an array of 201 items',
    ],
    [
      'a start time that is not a timestamp',
      (v) => {
        v.startedAt = 'yesterday';
      },
      '$.startedAt',
      'Invalid ISO datetime; got "yesterday"',
    ],
  ];

  for (const [what, change, path, detail] of cases) {
    it(`rejects ${what}`, () => {
      const error = caught(() => parseResult(mutated(change)));
      expect({ kind: error.kind, path: error.path, detail: error.detail }).toEqual({
        kind: 'schema',
        path,
        detail,
      });
      expect(error.message).toBe(`invalid perfgate result at ${path}: ${detail}`);
    });
  }

  it('rejects __proto__ as an unknown field instead of taking it as a prototype', () => {
    const text = serializeResult(makeResult()).replace(
      '{"schemaVersion":1',
      '{"__proto__":{"verdict":"pass"},"schemaVersion":1',
    );
    const error = caught(() => parseResult(text));
    expect(error.path).toBe('$.__proto__');
    expect(({} as Record<string, unknown>).verdict).toBeUndefined();
  });

  it('counts the other problems and rejects a value that is not an object', () => {
    const error = caught(() =>
      parseResult(
        mutated((v) => {
          v.verdict = 'maybe';
          v.durationMs = -1;
        }),
      ),
    );
    expect(error.path).toBe('$.verdict');
    expect(error.detail.endsWith('(and 1 more problem)')).toBe(true);
    expect(caught(() => parseResult('[]')).detail).toBe(
      'Invalid input: expected object, received array; got an array of 0 items',
    );
    expect(caught(() => validateResult(null)).path).toBe('$');
  });
});
