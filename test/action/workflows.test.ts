// The example and CI workflows, and the workflows in the README, use the action as it is: every
// `with:` the action's strict input parsing accepts, the permissions are the documented minimal
// ones, and the fork-safe report workflow never checks out or runs pull request code.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inputVariable, readInputs } from '../../src/action/inputs.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { permissions?: Record<string, string>; needs?: string | string[]; steps: Step[] }
  >;
}

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const action = parse(read('action.yml')) as { inputs: Record<string, { default?: string }> };

const files = [
  ...readdirSync(new URL('examples/', root))
    .filter((f) => f.endsWith('.yml') && f !== 'perfgate.yml')
    .map((f) => `examples/${f}`),
  ...readdirSync(new URL('.github/workflows/', root)).map((f) => `.github/workflows/${f}`),
];
const readmeWorkflows = [
  ...read('README.md').matchAll(/```yaml\n(# \.github\/workflows\/[^\n]*\n[\s\S]*?)```/g),
].map((m) => m[1]!);

const isAction = (step: Step) => step.uses === './' || /^perfgate\/perfgate@/.test(step.uses ?? '');

/** The inputs a step gives the action, as the runner would pass them (expressions stubbed). */
function stepEnv(step: Step): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, spec] of Object.entries(action.inputs))
    env[inputVariable(name)] = spec.default ?? '';
  env[inputVariable('github-token')] = 'ghs_token';
  // A matrix value (`${{ matrix.shard }}/3`) as its first job would see it.
  for (const [name, value] of Object.entries(step.with ?? {}))
    env[inputVariable(name)] = String(value).replace(/\$\{\{\s*matrix\.\w+\s*\}\}/g, '1');
  return env;
}

function actionSteps(workflow: Workflow): Array<{ job: string; step: Step; steps: Step[] }> {
  return Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
    steps.filter(isAction).map((step) => ({ job, step, steps })),
  );
}

describe('workflows that use the action', () => {
  it('finds the example, CI and README workflows', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'examples/pr-gate.yml',
        'examples/collect.yml',
        'examples/report.yml',
        'examples/record-on-push.yml',
        'examples/nightly.yml',
        'examples/matrix.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/self-test.yml',
      ]),
    );
    expect(readmeWorkflows).toHaveLength(4);
  });

  const all = [
    ...files.map((f) => [f, parse(read(f)) as Workflow] as const),
    ...readmeWorkflows.map(
      (text, i) => [`README workflow ${i + 1}`, parse(text) as Workflow] as const,
    ),
  ];

  it.each(all)('%s: every use of the action has inputs the action accepts', (_name, workflow) => {
    for (const { step } of actionSteps(workflow))
      expect(() => readInputs(stepEnv(step))).not.toThrow();
  });

  it.each(all)('%s: the permissions are the minimal ones for its modes', (_name, workflow) => {
    const needs: Record<string, Record<string, string>> = {
      compare: { contents: 'read', 'pull-requests': 'write', checks: 'write' },
      collect: { contents: 'read' },
      report: { actions: 'read', 'pull-requests': 'write', checks: 'write' },
      record: { contents: 'read' },
      trend: { contents: 'read', issues: 'write', actions: 'read' },
      merge: { actions: 'read', 'pull-requests': 'write', checks: 'write' },
    };
    const union = (modes: Iterable<string>) => {
      const expected: Record<string, string> = {};
      for (const mode of modes) {
        for (const [scope, level] of Object.entries(needs[mode]!)) {
          if (expected[scope] !== 'write') expected[scope] = level;
        }
      }
      return expected;
    };
    // A workflow of jobs with permissions of their own (a matrix and its merge job) grants none
    // itself, and each job only what its own modes need.
    if (Object.values(workflow.jobs).every((job) => job.permissions)) {
      expect(workflow.permissions).toEqual({});
      for (const job of Object.values(workflow.jobs)) {
        const jobModes = job.steps.filter(isAction).map((s) => readInputs(stepEnv(s)).mode);
        expect(job.permissions).toEqual(union(jobModes));
      }
      return;
    }
    const modes = new Set(actionSteps(workflow).map(({ step }) => readInputs(stepEnv(step)).mode));
    if (modes.size === 0) {
      expect(workflow.permissions).toEqual({ contents: 'read' });
      return;
    }
    expect(workflow.permissions).toEqual(union(modes));
  });

  it('report workflows run on the collect workflow, never check out or run code', () => {
    const collectName = (parse(read('examples/collect.yml')) as Workflow).name;
    const reports = all.filter(([, w]) =>
      actionSteps(w).some(({ step }) => readInputs(stepEnv(step)).mode === 'report'),
    );
    expect(reports.length).toBe(2);
    for (const [, workflow] of reports) {
      expect(Object.keys(workflow.on)).toEqual(['workflow_run']);
      expect((workflow.on.workflow_run as { workflows: string[] }).workflows).toEqual([
        collectName,
      ]);
      for (const job of Object.values(workflow.jobs)) {
        expect(job.steps.filter((s) => s.uses?.startsWith('actions/checkout') || s.run)).toEqual(
          [],
        );
      }
    }
  });

  it('merge jobs run after the matrix they merge and never check out or run code', () => {
    const merges = all.flatMap(([, w]) =>
      Object.values(w.jobs).filter((job) =>
        job.steps.some((s) => isAction(s) && readInputs(stepEnv(s)).mode === 'merge'),
      ),
    );
    expect(merges.length).toBeGreaterThanOrEqual(1);
    for (const job of merges) {
      expect(job.needs).toBeTruthy();
      expect(job.steps.filter((s) => s.uses?.startsWith('actions/checkout') || s.run)).toEqual([]);
    }
  });

  it('workflows that build and run the code under test keep the token out of .git/config', () => {
    // actions/checkout stores the token in .git/config by default, where a build can read it.
    let measuring = 0;
    for (const [name, workflow] of all) {
      for (const { step, steps } of actionSteps(workflow)) {
        // report and merge read artifacts as data and check nothing out.
        if (['report', 'merge'].includes(readInputs(stepEnv(step)).mode)) continue;
        measuring += 1;
        const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout'));
        expect(checkout?.with?.['persist-credentials'], name).toBe(false);
      }
    }
    expect(measuring).toBeGreaterThanOrEqual(6);
  });

  it('workflows that measure fetch the history the merge-base needs', () => {
    for (const [name, workflow] of all) {
      for (const { step, steps } of actionSteps(workflow)) {
        const mode = readInputs(stepEnv(step)).mode;
        if (mode !== 'compare' && mode !== 'collect' && mode !== 'trend') continue;
        const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout'));
        expect(checkout?.with?.['fetch-depth'], name).toBe(0);
      }
    }
  });
});
