// The action's settings through the shared measuring composition: perfgate.yml under
// working-directory with the inputs over it, and where a stored baseline may come from. The
// pipeline is a stand-in that records what it was given.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { actionRequest, actionRunDeps } from '../../src/modes/action-run.js';
import { collect } from '../../src/modes/collect.js';
import { compare } from '../../src/modes/compare.js';
import type { PipelineOptions } from '../../src/pipeline.js';
import type { StoredBaseLookUp } from '../../src/plan.js';
import type { Result } from '../../src/result.js';
import { comparison, sampleResult } from '../github/sample-result.js';
import { context, inputs, recordingIo } from './helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'perfgate-action-config-'));
writeFileSync(
  join(cwd, 'never.yml'),
  'benchmarks:\n  - { name: noop, type: command, run: "true" }\ngate:\n  fail-on: never\n',
);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const regressed = sampleResult({ comparisons: [comparison('p99', 'regressed', 0.3)] });
const lookUp: StoredBaseLookUp = { onlyWhereUsable: true, find: async () => ({ notes: [] }) };

function deps(calls: PipelineOptions[], result: Result = regressed) {
  return actionRunDeps(
    {
      io: recordingIo(),
      cwd,
      github: () => {
        throw new Error('no GitHub here');
      },
      measure: async (options) => {
        calls.push(options);
        return result;
      },
      upload: () => Promise.reject(new Error('no upload here')),
    },
    { artifactBaseline: () => lookUp },
  );
}

describe('the action`s request', () => {
  it('lets the fail-on input turn a config `never` into a failing gate, and back', async () => {
    const run = async (fields: Parameters<typeof inputs>[0]) => {
      const calls: PipelineOptions[] = [];
      const ctx = context({ runnerTemp: cwd });
      const outcome = await compare(
        actionRequest('compare', inputs({ config: 'never.yml', base: 'main', ...fields }), ctx, {
          cwd,
        }),
        deps(calls),
      );
      return { outcome, options: calls[0]! };
    };
    const forced = await run({ failOn: 'regression' });
    expect(forced.options.config.gate.failOn).toBe('regression');
    expect(forced.outcome.failure).toBe('perfgate: 1 regression (fail-on: regression).');
    const configured = await run({});
    expect(configured.options.config.gate.failOn).toBe('never');
    expect(configured.outcome.failure).toBeUndefined();
    // The result JSON is on disk where the outputs say, stamped with the repository.
    const written = JSON.parse(readFileSync(configured.outcome.resultPath!, 'utf8')) as Result;
    expect(written.repository).toBe('octo-org/octo-repo');

    expect((await run({ baseline: 'never' })).options.storedBase).toBeUndefined();
    expect((await run({ baseline: 'auto' })).options.storedBase).toBe(lookUp);
  });

  it('looks no stored baseline up outside compare, whatever the input`s default', async () => {
    const calls: PipelineOptions[] = [];
    await collect(
      actionRequest(
        'collect',
        inputs({ config: 'never.yml', base: 'main', baseline: 'auto' }),
        context(),
        {
          cwd,
        },
      ),
      deps(calls),
    );
    expect(calls[0]!.storedBase).toBeUndefined();
    expect(calls[0]!.mode).toBe('collect');
  });

  it('names the input in override errors, before measuring', async () => {
    const calls: PipelineOptions[] = [];
    const error = await compare(
      actionRequest(
        'compare',
        inputs({ config: 'never.yml', base: 'main', threshold: '5' }),
        context(),
        {
          cwd,
        },
      ),
      deps(calls),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'input `threshold`: expected a percentage such as 5%, got "5"; write "5%"',
    );
    expect(calls).toEqual([]);
  });
});
