// perfgate.yml text → the resolved Config, or a ConfigError listing every problem with its line.
import { readFile } from 'node:fs/promises';
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';
import type { Config } from '../model.js';
import { ConfigError, type ConfigIssue, formatPath } from './errors.js';
import { configSchema } from './schema.js';

/** Reads and parses a config file; a missing or unreadable file is a ConfigError too. */
export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'this is a directory, not a file'
          : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError(
      [
        {
          path: '',
          message: `${reason}; create it, or pass --config with the path of your config file`,
        },
      ],
      path,
    );
  }
  return parseConfig(text, path);
}

/** Parses perfgate.yml text; `sourceName` is how messages name the file. */
export function parseConfig(text: string, sourceName = 'perfgate.yml'): Config {
  const lineCounter = new LineCounter();
  // logLevel error: yaml's warnings (a list as a key…) would go to the terminal as Node warnings.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `YAML syntax error: ${error.message}`, line, column: col };
      }),
      sourceName,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Unresolvable or exponential aliases are found only while converting.
    throw new ConfigError(
      [
        {
          path: '',
          message: `YAML error: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
      sourceName,
    );
  }
  if (data === null || data === undefined) {
    throw new ConfigError(
      [{ path: '', message: 'the file is empty; expected a mapping with `benchmarks`' }],
      sourceName,
    );
  }
  const prototypeKeys = prototypeKeyPaths(data).map((path): ConfigIssue => {
    const issue: ConfigIssue = {
      path: formatPath(path),
      message:
        '`__proto__` cannot be used as a key: JavaScript objects would drop it silently; rename or remove it',
    };
    const line = lineOf(doc, lineCounter, path);
    if (line !== undefined) issue.line = line;
    return issue;
  });
  if (prototypeKeys.length > 0) throw new ConfigError(prototypeKeys, sourceName);
  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const issues = flattenIssues(result.error.issues).map(({ path, message, input }) => {
    const issue: ConfigIssue = { path: formatPath(path), message };
    if (input !== undefined) issue.value = input;
    const line = lineOf(doc, lineCounter, path);
    if (line !== undefined) issue.line = line;
    return issue;
  });
  issues.sort(
    (a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY),
  );
  throw new ConfigError(issues, sourceName);
}

/** Where the parsed file holds a `__proto__` key. The yaml package keeps it as an own key, but
 *  every object zod builds from it would take it as the prototype and drop it. Iterative, so a
 *  deeply nested file cannot overflow the stack here. */
function prototypeKeyPaths(data: unknown): PropertyKey[][] {
  const found: PropertyKey[][] = [];
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: data, path: [] }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, path: [...path, index] });
      });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') found.push([...path, key]);
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return found.reverse();
}

interface FlatIssue {
  path: PropertyKey[];
  message: string;
  input?: unknown;
}

/**
 * zod's issues, one per problem: an unknown-keys issue becomes one issue per key (schema.ts
 * writes one message line per key), and a failed union reports the branch the value was meant
 * for (the one that got past the type check), so `{ path: 5 }` says what is wrong with `path`
 * rather than "invalid input".
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[], base: PropertyKey[] = []): FlatIssue[] {
  const out: FlatIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.message.split('\n');
      const object = (issue.input ?? {}) as Record<string, unknown>;
      issue.keys.forEach((key, index) => {
        const flat: FlatIssue = { path: [...path, key], message: lines[index] ?? 'unknown field' };
        if (object[key] !== undefined) flat.input = object[key];
        out.push(flat);
      });
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const typeMatched = issue.errors.filter(
        (branch) =>
          !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
      );
      if (typeMatched.length === 1) {
        out.push(...flattenIssues(typeMatched[0]!, path));
        continue;
      }
    }
    const flat: FlatIssue = { path, message: issue.message };
    if (issue.input !== undefined) flat.input = issue.input;
    out.push(flat);
  }
  return out;
}

/** The line of the key (for a mapping entry) or item (for a list entry) at `path`, or of the
 *  deepest part of it that exists (a missing field points at its parent). */
function lineOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
