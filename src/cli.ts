// The `perfgate` command. Everything it does lives in command-line/run.ts.
import { runCli } from './command-line/run.js';
import { InterruptedError } from './errors.js';

// Ctrl-C or a cancelled job: abort the run so it stops its servers and reports 130/143.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => interrupt.abort(new InterruptedError(signal)));
}

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
  env: process.env,
  signal: interrupt.signal,
});
// Exit once stdout has drained, even if a library left a timer or socket behind.
process.stdout.write('', () => process.exit(code));
