// The command line run in-process as a user runs it in `cwd`: its exit code and what it wrote.
import { runCli } from '../../src/command-line/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runPerfgate(args: string[], cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTty: false,
    env: {},
  });
  return { code, stdout, stderr };
}
