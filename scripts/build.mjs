// Builds dist/ with @vercel/ncc: dist/index.js (the action) and dist/cli/index.js (the CLI).
// `-a` (asset builds) bundles autocannon's worker file; Lighthouse stays external because it
// reads its own files at run time (see src/kinds/lighthouse/loader.ts).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const entries = [
  { input: 'src/index.ts', out: 'dist' },
  { input: 'src/cli.ts', out: 'dist/cli' },
];
const external = ['lighthouse'];
// ncc deletes every .js under its output directory before writing, and dist/cli lies inside
// dist: the two builds run side by side (one per core) into separate staging directories, which
// then replace dist/ once both have succeeded.
const staging = 'node_modules/.cache/perfgate-build';

const children = new Set();

/** One ncc build; rejects with the entry's name when ncc fails. */
function build(input, out) {
  const args = ['build', input, '-o', out, '-a', '--license', 'licenses.txt', '-q'];
  for (const name of external) args.push('-e', name);
  const child = spawn(process.execPath, ['node_modules/@vercel/ncc/dist/ncc/cli.js', ...args], {
    stdio: 'inherit',
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`build: ncc failed for ${input} (${signal ?? `exit code ${code}`})`));
    });
  });
}

for (const { input } of entries) {
  if (!existsSync(input)) throw new Error(`build: entry ${input} does not exist`);
}
rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
try {
  await Promise.all(entries.map(({ input }, i) => build(input, join(staging, String(i)))));
} catch (error) {
  // The other build would outlive this script otherwise.
  for (const child of children) child.kill();
  throw error;
}
for (const { out } of entries) rmSync(out, { recursive: true, force: true, maxRetries: 3 });
entries.forEach(({ out }, i) => {
  renameSync(join(staging, String(i)), out);
});
rmSync(staging, { recursive: true, force: true, maxRetries: 3 });

// ncc's asset relocator rewrites some `resolve(dir, 'literal')` calls into paths inside dist/,
// which breaks them at run time; refuse to ship a bundle where that happened to our code.
for (const { out } of entries) {
  const bundle = readFileSync(`${out}/index.js`, 'utf8');
  // A literal search, then the line around each hit: a /.*…/ regex over the bundle's lines of
  // 100k+ characters backtracked for 49 s.
  const needle = '__nccwpck_require__.ab + "main/"';
  const rewritten = [];
  for (let at = bundle.indexOf(needle); at !== -1; at = bundle.indexOf(needle, at + 1)) {
    const start = bundle.lastIndexOf('\n', at) + 1;
    const end = bundle.indexOf('\n', at);
    rewritten.push(bundle.slice(start, end === -1 ? undefined : end).slice(0, 500));
  }
  if (rewritten.length > 0) {
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
