// A CPU-profiled run of a command benchmark, after the sampler has decided: the command run once
// in a side's tree with the profiler preload in NODE_OPTIONS (profile/preload.ts), every
// Node.js process it starts writing its whole-life profile into `dir` at its exit.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandBenchmarkConfig, Tree } from '../../model.js';
import { withProfiler } from '../../profile/preload.js';
import { runCommand } from '../../workspace/build.js';

export interface ProfiledRun {
  /** The run's exit: a failed run's profiles are not used. */
  ok: boolean;
  why?: string;
  wallMs: number;
  /** One .cpuprofile per Node.js process the command started; none for other programs. */
  files: string[];
}

export async function profiledCommandRun(
  bench: CommandBenchmarkConfig,
  tree: Tree,
  o: { preload: string; dir: string; signal?: AbortSignal },
): Promise<ProfiledRun> {
  const env = withProfiler(bench.env, o.preload, { run: o.dir });
  const result = await runCommand(bench.run, {
    cwd: path.resolve(tree.dir, bench.cwd),
    env,
    timeoutMs: bench.timeoutMs,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const files = (await readdir(o.dir))
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(o.dir, f));
  const ok = !result.timedOut && result.exitCode === 0;
  return {
    ok,
    ...(ok
      ? {}
      : {
          why: result.timedOut
            ? `did not finish within ${bench.timeoutMs} ms`
            : `exited with ${result.exitCode ?? result.signal}`,
        }),
    wallMs: result.wallMs,
    files,
  };
}
