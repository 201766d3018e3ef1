// The runner executes this file (`node dist/index.js`). @github/local-action imports it and calls
// the exported run() itself, so run() starts here only when this file is the program.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from './main.js';

export { run };

const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  // Exit once stdout has drained, even if a library left a timer or socket behind.
  void run().finally(() => process.stdout.write('', () => process.exit()));
}
