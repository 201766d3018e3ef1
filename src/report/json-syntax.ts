// Finds where a JSON text stops being JSON (RFC 8259), and in which field, so a rejected
// artifact can be reported as `$.comparisons[3].ci[1] (line 1, column 812): …` instead of
// JSON.parse's bare offset. Only used after JSON.parse has failed.

export interface JsonSyntaxProblem {
  /** The field being read when the problem was found, as a JSONPath. */
  path: string;
  offset: number;
  line: number;
  column: number;
  message: string;
}

/** Deeper than this is rejected outright; a result is five levels deep. */
export const MAX_JSON_DEPTH = 256;

type PathPart = string | number;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export function formatJsonPath(parts: readonly PathPart[]): string {
  let out = '$';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part.length > 60 ? `${part.slice(0, 57)}...` : part)}]`;
  }
  return out;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function describeChar(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the input';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f)
    return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(ch);
}

/**
 * The first syntax problem in `text`, or undefined when it is valid JSON (and nested at most
 * MAX_JSON_DEPTH deep).
 */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  const path: PathPart[] = [];
  let i = 0;

  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i += 1;
      else break;
    }
  };
  const fail = (message: string): never => {
    throw new Stop(i, message);
  };
  const expect = (what: string): never => fail(`expected ${what}, found ${describeChar(text[i])}`);

  const string = (): string => {
    const start = i;
    i += 1; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return text.slice(start + 1, i - 1);
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          // Escape problems point at the backslash that starts the escape.
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            fail('expected four hexadecimal digits after \\u');
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`invalid escape \\${e === undefined ? '' : e} in a string`);
        }
      } else if (c < 0x20) {
        fail(`${describeChar(text[i])} inside a string (must be escaped)`);
      } else {
        i += 1;
      }
    }
    i = start;
    return fail('unterminated string');
  };

  const number = () => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) {
      i += 1; // only a minus sign can start a number the pattern rejects
      return fail(`invalid number: expected a digit, found ${describeChar(text[i])}`);
    }
    i += m[0].length;
    const next = text[i];
    if (next !== undefined && /[0-9.eE+-]/.test(next))
      fail(`invalid number: unexpected ${describeChar(next)}`);
  };

  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else expect('a value');
  };

  const value = (depth: number): void => {
    if (depth > MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    ws();
    const c = text[i];
    if (c === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') expect('a property name in double quotes');
        const key = string();
        ws();
        if (text[i] !== ':') expect(`":" after property name ${JSON.stringify(key)}`);
        i += 1;
        path.push(key);
        value(depth + 1);
        path.pop();
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return;
        }
        path.push(key);
        expect('"," or "}" after a property value');
      }
    }
    if (c === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        path.push(index);
        value(depth + 1);
        path.pop();
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return;
        }
        path.push(index);
        expect('"," or "]" after an array element');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else expect('a value');
  };

  try {
    ws();
    if (i >= text.length) fail('the input is empty');
    value(1);
    ws();
    if (i < text.length) expect('the end of the input after the top-level value');
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset);
    const lastBreak = before.lastIndexOf('\n');
    return {
      path: formatJsonPath(path),
      offset: error.offset,
      line: before.split('\n').length,
      column: error.offset - lastBreak,
      message: error.message,
    };
  }
}
