// mode `demo` (CLI only): the embedded example service as a real repository with a base and a
// head commit, measured by the same pipeline a pull request gets.
import { join } from 'node:path';
import { createDemoRepository } from '../demo/repository.js';

export interface DemoRun {
  cwd: string;
  base: string;
  head: string;
  configFile: string;
  dispose(): Promise<void>;
}

export async function openDemo(say: (line: string) => void): Promise<DemoRun> {
  const demo = await createDemoRepository();
  say(
    `perfgate demo: an example service at ${demo.dir}; branch ${demo.head} makes /orders slower and /products faster.`,
  );
  return {
    cwd: demo.dir,
    base: demo.base,
    head: demo.head,
    configFile: join(demo.dir, 'perfgate.yml'),
    dispose: () => demo.dispose(),
  };
}
