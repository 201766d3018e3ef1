// mode `demo` (CLI only): the embedded example service as a real repository with a base and a
// head commit, measured by the same composition a pull request gets.
import { createDemoRepository } from '../demo/repository.js';
import { measureRun, type RunDeps, type RunOutcome, type RunRequest } from './measure.js';

/** The request names no checkout, config or refs: the demo's repository brings its own. */
export async function demo(
  request: Omit<RunRequest, 'cwd' | 'configFile' | 'base' | 'head'>,
  deps: RunDeps,
): Promise<RunOutcome> {
  const repo = await createDemoRepository();
  try {
    deps.log(
      `perfgate demo: an example service at ${repo.dir}; branch ${repo.head} makes /orders slower and /products faster.`,
    );
    return await measureRun(
      'demo',
      { ...request, cwd: repo.dir, configFile: 'perfgate.yml', base: repo.base, head: repo.head },
      deps,
    );
  } finally {
    await repo.dispose();
  }
}
