// Lays the demo's example service out as a real git repository with a base and a head
// commit, so `perfgate demo` runs exactly the pipeline a pull request gets.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CONFIG, DEMO_DELAYS, demoServer } from './example.js';

const run = promisify(execFile);

export interface DemoRepository {
  dir: string;
  base: string;
  head: string;
  dispose(): Promise<void>;
}

export async function createDemoRepository(): Promise<DemoRepository> {
  const dir = await mkdtemp(join(tmpdir(), 'perfgate-demo-'));
  const git = (...args: string[]) =>
    run(
      'git',
      ['-c', 'user.name=perfgate demo', '-c', 'user.email=demo@perfgate.invalid', ...args],
      {
        cwd: dir,
      },
    );
  try {
    await git('init', '-q', '-b', 'main');
    await writeFile(join(dir, 'perfgate.yml'), DEMO_CONFIG);
    await writeFile(join(dir, 'server.mjs'), demoServer(DEMO_DELAYS.base));
    await git('add', '.');
    await git('commit', '-q', '-m', 'The example service');
    await git('checkout', '-q', '-b', 'demo-change');
    await writeFile(join(dir, 'server.mjs'), demoServer(DEMO_DELAYS.head));
    await git('commit', '-q', '-am', 'Slower /orders, faster /products');
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    base: 'main',
    head: 'demo-change',
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
