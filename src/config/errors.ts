// The one error config/ throws: every problem found, each with its field, value and line.
import { BadInputError } from '../errors.js';

export interface ConfigIssue {
  /** The field as written in the file (`benchmarks[0].connections`), or a flag (`--budget`);
   *  empty for the file as a whole. */
  path: string;
  /** What was expected and what was received. */
  message: string;
  /** The value received, when there was one. */
  value?: unknown;
  /** 1-based line in the file. */
  line?: number;
  /** 1-based column, for YAML syntax errors. */
  column?: number;
}

/** perfgate.yml, a flag or an input is wrong; the CLI exits with 2 (src/errors.ts). */
export class ConfigError extends BadInputError {
  override name = 'ConfigError';
  constructor(
    readonly issues: ConfigIssue[],
    /** The file's name as shown in messages; absent for flags and inputs. */
    readonly source?: string,
  ) {
    super(issues.map((issue) => formatIssue(issue, source)).join('\n'));
  }
}

/** `perfgate.yml:12: benchmarks[0].connections: expected …`, one line per issue. */
export function formatIssue(issue: ConfigIssue, source?: string): string {
  let where = source ?? '';
  if (source !== undefined && issue.line !== undefined) {
    where += `:${issue.line}`;
    if (issue.column !== undefined) where += `:${issue.column}`;
  }
  return [where, issue.path, issue.message].filter((part) => part !== '').join(': ');
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `['benchmarks', 0, 'budgets', 'total.gzip']` → `benchmarks[0].budgets["total.gzip"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
