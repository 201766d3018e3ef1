// Fault matrix, config and input validation (issue #10 items 5, 8, 9, 10, 11): one row per case,
// the input and the expected outcome. Config rows go through the real loader, a few through the
// real CLI entry (the TypeScript source, run with tsx) in a real git repository, and the input
// rows through the real action entry.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inputVariable } from '../../src/action/inputs.js';
import { parseConfig } from '../../src/config/index.js';
import { BadInputError, exitCodeFor, getErrorMessage } from '../../src/errors.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const ROOT = resolve(import.meta.dirname, '../..');
// By URL: the CLI runs in a temp repository, where `--import tsx` would not resolve.
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** One command benchmark around `fragment` (YAML lines of the benchmark, indented by 4). */
const command = (fragment = '') =>
  `benchmarks:\n  - name: job\n    type: command\n    run: make\n${fragment}`;
const http = (fragment = '', request = '      - /') =>
  `benchmarks:\n  - name: api\n    type: http\n    start: node server.js\n${fragment}    requests:\n${request}\n`;
const bundle = (fragment: string) => `benchmarks:\n  - name: web\n    type: bundle\n${fragment}`;
const gate = (fragment: string) => `${command()}gate:\n${fragment}`;
const DIGITS = '1'.repeat(400);

interface LoadRow {
  case: string;
  input: string;
  expect: { exit: number; parts: string[] };
}

const LOAD_ROWS: LoadRow[] = [
  // Item 8: every number has a range, checked at load.
  {
    case: 'a command timeout of 1000h (Node timers overflow past 24.8 days)',
    input: command('    timeout: 1000h\n'),
    expect: { exit: 2, parts: ['benchmarks[0].timeout', '"1000h"', 'maximum of 6h'] },
  },
  {
    case: 'an HTTP request timeout of 1000h',
    input: http('    timeout: 1000h\n'),
    expect: { exit: 2, parts: ['benchmarks[0].timeout', '"1000h"', 'maximum of 10m'] },
  },
  {
    case: 'a 400-digit duration (Infinity)',
    input: gate(`  time-budget: ${DIGITS}s\n`),
    expect: { exit: 2, parts: ['gate.time-budget', '1111', 'too large'] },
  },
  {
    case: 'a 400-digit percentage (Infinity)',
    input: gate(`  threshold: ${DIGITS}%\n`),
    expect: { exit: 2, parts: ['gate.threshold', '1111', 'too large'] },
  },
  {
    case: 'a 400-digit size (Infinity)',
    input: bundle(`    files: dist/*.js\n    budgets:\n      total.gzip: ${DIGITS}kB\n`),
    expect: { exit: 2, parts: ['benchmarks[0].budgets["total.gzip"]', '1111', 'too large'] },
  },
  {
    case: 'a round duration of 0.001ms',
    input: http('    round-duration: 0.001ms\n'),
    expect: {
      exit: 2,
      parts: ['benchmarks[0].round-duration', '"0.001ms"', 'below the minimum of 100ms'],
    },
  },
  {
    case: 'a threshold of 100000%',
    input: gate('  threshold: 100000%\n'),
    expect: { exit: 2, parts: ['gate.threshold', '"100000%"', 'maximum of 1000%'] },
  },
  {
    case: 'a per-metric threshold of 100000%',
    input: gate('  thresholds:\n    p99: 100000%\n'),
    expect: { exit: 2, parts: ['gate.thresholds.p99', '"100000%"', 'maximum of 1000%'] },
  },
  {
    case: 'a CLS budget of .inf',
    input:
      'benchmarks:\n  - name: site\n    type: lighthouse\n    serve: dist\n    budgets:\n      cls: .inf\n',
    expect: { exit: 2, parts: ['benchmarks[0].budgets.cls', 'Infinity', '0 to 10'] },
  },
  {
    case: 'a header value with CR/LF (header injection)',
    input: http('', '      - path: /\n        headers:\n          X-Id: "1\\r\\nX-Admin: yes"'),
    expect: { exit: 2, parts: ['benchmarks[0].requests[0].headers.X-Id', 'CR, LF or NUL'] },
  },
  {
    case: 'a header name that is not an RFC 9110 token',
    input: http('', '      - path: /\n        headers:\n          "Bad Header:": x'),
    expect: {
      exit: 2,
      parts: ['benchmarks[0].requests[0].headers["Bad Header:"]', 'RFC 9110 token'],
    },
  },
  // Item 9: found at load, not after both builds.
  {
    case: 'bundle files with an absolute path',
    input: bundle('    files: /etc/passwd\n'),
    expect: { exit: 2, parts: ['benchmarks[0].files', '"/etc/passwd"', 'relative'] },
  },
  {
    case: 'bundle files climbing out of the tree',
    input: bundle('    files: [dist/*.js, ../../**/*]\n'),
    expect: { exit: 2, parts: ['benchmarks[0].files[1]', '"../../**/*"', '..'] },
  },
  {
    case: 'a bundle group climbing out of the tree',
    input: bundle('    files: dist/*.js\n    groups:\n      vendor: dist/../../x.js\n'),
    expect: { exit: 2, parts: ['benchmarks[0].groups.vendor', '"dist/../../x.js"', '..'] },
  },
  {
    case: 'a bundle glob that cannot compile (unclosed class)',
    input: bundle('    files: "dist/[a-.js"\n'),
    expect: { exit: 2, parts: ['benchmarks[0].files', '"dist/[a-.js"'] },
  },
  {
    case: 'the HTTP method HEAD (autocannon waits for a body HEAD never has)',
    input: http('', '      - { path: /, method: HEAD }'),
    expect: { exit: 2, parts: ['benchmarks[0].requests[0].method', '"HEAD"', 'GET'] },
  },
  // Item 10: prototype keys.
  ...['constructor', 'toString', 'valueOf'].map(
    (key): LoadRow => ({
      case: `a threshold keyed ${key}`,
      input: gate(`  thresholds:\n    ${key}: 5%\n`),
      expect: { exit: 2, parts: [`gate.thresholds.${key}`, 'not a metric name'] },
    }),
  ),
  {
    case: 'a duration unit named like a prototype property (5constructor)',
    input: command('    timeout: 5constructor\n'),
    expect: { exit: 2, parts: ['benchmarks[0].timeout', 'unknown unit "constructor"'] },
  },
  {
    case: 'a size unit named like a prototype property (5toString)',
    input: bundle('    files: dist/*.js\n    budgets:\n      total.raw: 5toString\n'),
    expect: { exit: 2, parts: ['benchmarks[0].budgets["total.raw"]', 'unknown unit "toString"'] },
  },
  ...(
    [
      ['env', command('    env:\n      __proto__: { A: 1 }\n'), 'benchmarks[0].env'],
      ['gate.thresholds', gate('  thresholds:\n    __proto__: 5%\n'), 'gate.thresholds'],
      ['groups', bundle('    files: dist/*.js\n    groups:\n      __proto__: a.js\n'), 'groups'],
      ['budgets', bundle('    files: dist/*.js\n    budgets:\n      __proto__: 5kB\n'), 'budgets'],
      [
        'headers',
        http('', '      - path: /\n        headers:\n          __proto__: x'),
        'benchmarks[0].requests[0].headers',
      ],
    ] as const
  ).map(
    ([where, input, path]): LoadRow => ({
      case: `a __proto__ key in ${where}`,
      input,
      expect: { exit: 2, parts: [`${path}`, '__proto__', 'cannot be used as a key'] },
    }),
  ),
];

function loadError(text: string): unknown {
  try {
    parseConfig(text);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('config faults, through the loader', () => {
  it.each(LOAD_ROWS)('$case', ({ input, expect: expected }) => {
    const error = loadError(input);
    expect(error, 'the config loaded').toBeInstanceOf(Error);
    expect(exitCodeFor(error)).toBe(expected.exit);
    const message = getErrorMessage(error);
    for (const part of expected.parts) expect(message).toContain(part);
    expect(message).not.toMatch(/expected undefined|\bat .*\.ts:\d+/);
  });
});

// Item 11: the exit code follows the error's type, not a list of names.
class NewKindOfBadInput extends BadInputError {
  override name = 'NewKindOfBadInput';
}
const EXIT_ROWS = [
  { case: 'a usage error class added later', input: new NewKindOfBadInput('x'), expect: 2 },
  {
    case: 'a plain Error that merely takes a usage error name',
    input: Object.assign(new Error('x'), { name: 'ConfigError' }),
    expect: 3,
  },
];
describe('exit codes', () => {
  it.each(EXIT_ROWS)('$case → $expect', ({ input, expect: code }) => {
    expect(exitCodeFor(input)).toBe(code);
  });
});

// Item 8, 9 and 10 through the real CLI: exit 2 before anything is built.
const repos: TestRepo[] = [];
afterAll(() => {
  for (const repo of repos) repo.dispose();
});

const CLI_ROWS = [
  {
    case: 'bundle files /etc/passwd',
    input: bundle('    files: /etc/passwd\n'),
    expect: { exit: 2, parts: ['benchmarks[0].files', '/etc/passwd'] },
  },
  {
    case: 'method HEAD',
    input: http('', '      - { path: /, method: HEAD }'),
    expect: { exit: 2, parts: ['benchmarks[0].requests[0].method', 'HEAD'] },
  },
  {
    case: 'a command timeout of 1000h',
    input: command('    timeout: 1000h\n'),
    expect: { exit: 2, parts: ['benchmarks[0].timeout', '1000h', 'maximum'] },
  },
  {
    case: 'a threshold keyed constructor',
    input: gate('  thresholds:\n    constructor: 5%\n'),
    expect: { exit: 2, parts: ['gate.thresholds.constructor', 'not a metric name'] },
  },
];

describe('config faults, through the CLI', () => {
  it.each(CLI_ROWS)('$case', ({ input, expect: expected }) => {
    const repo = createRepo('perfgate-fault-');
    repos.push(repo);
    const marker = join(repo.dir, 'built.marker');
    repo.commit('base', { 'perfgate.yml': `build: touch "${marker}"\n${input}` });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('head', { 'x.txt': 'x' });
    const run = spawnSync(
      process.execPath,
      ['--import', TSX, join(ROOT, 'src/cli.ts'), 'compare', '--base', 'main'],
      { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(run.status, run.stderr).toBe(expected.exit);
    for (const part of expected.parts) expect(run.stderr).toContain(part);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(marker), 'the build ran').toBe(false);
  });
});

// Item 5: a misspelt input is named, never echoed; the token is masked.
const LONG_TOKEN = `github_pat_${'A1b2C3d4E5'.repeat(8)}xy`;
const CLASSIC_TOKEN = `ghp_${'0123456789abcdefghij'.repeat(2)}`.slice(0, 40);

/** The action's real entry, as the runner runs it, with these INPUT_* variables. */
function runAction(inputs: Record<string, string>) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    GITHUB_ACTIONS: 'true',
  };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  return spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
}

const INPUT_ROWS: Array<{
  case: string;
  input: Record<string, string>;
  expect: { exit: number; secret: string; parts: string[] };
}> = [
  {
    case: 'INPUT_TOKEN holding a 93-character token',
    input: { token: LONG_TOKEN, 'github-token': 'ghs_valid' },
    expect: { exit: 2, secret: LONG_TOKEN, parts: ['`token`', 'did you mean `github-token`'] },
  },
  {
    case: 'INPUT_TOKEN holding a 40-character ghp_ token',
    input: { token: CLASSIC_TOKEN, 'github-token': 'ghs_valid' },
    expect: { exit: 2, secret: CLASSIC_TOKEN, parts: ['`token`', 'did you mean `github-token`'] },
  },
  {
    case: 'the github-token input is masked before anything is printed',
    input: { 'github-token': LONG_TOKEN, mode: 'benchmark' },
    expect: { exit: 2, secret: LONG_TOKEN, parts: ['input `mode`'] },
  },
];

describe('action input faults, through the action entry', () => {
  it.each(INPUT_ROWS)('$case', ({ input, expect: expected }) => {
    const run = runAction(input);
    expect(run.status, run.stderr).toBe(expected.exit);
    const output = run.stdout + run.stderr;
    for (const part of expected.parts) expect(output).toContain(part);
    // The only place the secret may appear is the mask command that hides it from the log.
    const lines = output.split('\n').filter((line) => line.includes(expected.secret.slice(0, 8)));
    for (const line of lines) expect(line).toBe(`::add-mask::${expected.secret}`);
    if (input['github-token'] === expected.secret) {
      expect(lines, 'the token was not masked').toContain(`::add-mask::${expected.secret}`);
    }
  });
});
