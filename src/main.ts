// The action's entry: read the inputs and the run's context once, run one mode, and turn the
// outcome — or anything thrown, even a non-Error — into the step's result.
import * as core from '@actions/core';
import { readInputs } from './action/inputs.js';
import { coreIo, defaultDeps } from './action/io.js';
import { exitCodeFor, getErrorHint, getErrorMessage } from './errors.js';
import { readActionContext } from './github/context.js';
import { failureSummary } from './modes/publish.js';
import { outcomeExitCode, runMode } from './modes/run-mode.js';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const context = readActionContext();
    const outcome = await runMode(inputs, context, defaultDeps(context.apiUrl));
    if (outcome.failure) {
      core.setFailed(outcome.failure);
      process.exitCode = outcomeExitCode(outcome);
    }
  } catch (error) {
    const message = getErrorMessage(error);
    const hint = getErrorHint(error);
    core.setFailed(`perfgate: ${message}${hint ? `\n${hint}` : ''}`);
    // The CLI's codes (2 bad input or config, 3 the measurement failed); any non-zero fails the step.
    process.exitCode = exitCodeFor(error);
    await coreIo.appendSummary(failureSummary(message, hint)).catch(() => {});
  }
}
