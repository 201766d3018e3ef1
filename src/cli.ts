// The `perfgate` command. Everything it does lives in command-line.ts.
import { runCli } from './command-line.js';

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
  env: process.env,
});
// Exit once stdout has drained, even if a library left a timer or socket behind.
process.stdout.write('', () => process.exit(code));
