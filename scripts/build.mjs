// Builds dist/ with @vercel/ncc: dist/index.js (the action) and dist/cli/index.js (the CLI).
// `-a` (asset builds) bundles autocannon's worker file; Lighthouse stays external because it
// reads its own files at run time (see src/probes/lighthouse-loader.ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const entries = [
  { input: 'src/index.ts', out: 'dist' },
  { input: 'src/cli.ts', out: 'dist/cli' },
];
const external = ['lighthouse'];

for (const { input, out } of entries) {
  if (!existsSync(input)) throw new Error(`build: entry ${input} does not exist`);
  rmSync(out, { recursive: true, force: true, maxRetries: 3 });
  const args = ['ncc', 'build', input, '-o', out, '-a', '--license', 'licenses.txt', '-q'];
  for (const name of external) args.push('-e', name);
  execFileSync(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', ...args.slice(1)], {
    stdio: 'inherit',
  });
}

// ncc's asset relocator rewrites some `resolve(dir, 'literal')` calls into paths inside dist/,
// which breaks them at run time; refuse to ship a bundle where that happened to our code.
for (const { out } of entries) {
  const bundle = readFileSync(`${out}/index.js`, 'utf8');
  const rewritten = bundle.match(/.*__nccwpck_require__\.ab \+ "main\/".*/g);
  if (rewritten) {
    throw new Error(
      `build: ncc rewrote a path of ours into dist/ (${out}/index.js):\n${rewritten.join('\n')}\nUse join() or a computed path instead.`,
    );
  }
}

// ncc keeps ESM output as index.js; the bin needs its shebang and the executable bit.
const cli = 'dist/cli/index.js';
const text = readFileSync(cli, 'utf8');
if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`);
chmodSync(cli, 0o755);
