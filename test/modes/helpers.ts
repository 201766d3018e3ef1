// Shared pieces of the action tests: a recording ActionIo, inputs with the action's defaults,
// and a context for the test repository.
import type { Inputs } from '../../src/action/inputs.js';
import type { ActionIo } from '../../src/action/io.js';
import type { OutputName } from '../../src/constants.js';
import type { ActionContext } from '../../src/github/context.js';
import { OWNER, REPO } from '../github/fixtures.js';

export interface RecordingIo extends ActionIo {
  infos: string[];
  warnings: string[];
  outputs: Partial<Record<OutputName, string>>;
  summary: string;
}

export function recordingIo(): RecordingIo {
  const io: RecordingIo = {
    infos: [],
    warnings: [],
    outputs: {},
    summary: '',
    info: (m) => io.infos.push(m),
    warning: (m) => io.warnings.push(m),
    setOutput: (name, value) => {
      io.outputs[name] = value;
    },
    appendSummary: async (markdown) => {
      io.summary += markdown;
    },
  };
  return io;
}

export function inputs(fields: Partial<Inputs> = {}): Inputs {
  return {
    config: 'perfgate.yml',
    mode: 'compare',
    githubToken: 'ghs_test',
    comment: 'always',
    checkRun: true,
    reportId: 'default',
    workingDirectory: '.',
    baseline: 'auto',
    sizeCache: true,
    ...fields,
  };
}

export function context(fields: Partial<ActionContext> = {}): ActionContext {
  return {
    eventName: 'pull_request',
    repo: { owner: OWNER, repo: REPO },
    sha: 'c'.repeat(40),
    ref: 'refs/pull/12/merge',
    runId: 987,
    serverUrl: 'https://github.com',
    apiUrl: 'http://127.0.0.1:9',
    runnerTemp: '/tmp',
    ...fields,
  };
}
