// `perfgate init` on real repositories in temp dirs: what it finds, the config it writes (read
// back by the real loader, then run by a real `perfgate compare`), the workflows, and a second
// run that refuses to overwrite anything without --force.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { detectProject } from '../../src/command-line/init-detect.js';
import { loadConfig } from '../../src/config/load.js';
import { runPerfgate } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/repo.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const repo of repos) repo.dispose();
});

function repoWith(files: Record<string, string>): TestRepo {
  const repo = createRepo('perfgate-init-');
  repos.push(repo);
  repo.write(files);
  return repo;
}

const cli = (dir: string, ...argv: string[]) => runPerfgate(argv, dir);

const SERVER = `import { createServer } from 'node:http';
createServer((req, res) => res.end('hello')).listen(Number(process.env.PORT), '127.0.0.1');
`;
const PACKAGE = JSON.stringify({
  name: 'shop',
  version: '1.0.0',
  private: true,
  scripts: { start: 'node server.mjs', build: 'node build.mjs' },
});
const LOCK = JSON.stringify({
  name: 'shop',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: { '': { name: 'shop', version: '1.0.0' } },
});

describe('perfgate init', { timeout: 180_000 }, () => {
  it('writes an http and a bundle benchmark that compare accepts, and the workflows; never overwrites', async () => {
    const repo = repoWith({
      'package.json': PACKAGE,
      'package-lock.json': LOCK,
      'server.mjs': SERVER,
      'build.mjs': `import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
writeFileSync('dist/app.js', 'console.log(${JSON.stringify('x'.repeat(2000))});\\n');
`,
      'dist/app.js': 'console.log("built");\n',
      'dist/app.css': 'body { color: red }\n',
    });
    const first = await cli(repo.dir, 'init');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('package.json with the scripts start, build');
    expect(first.stdout).toContain('a built dist/ (2 files)');
    expect(first.stdout).toMatch(/Guessed \(check these\):\n.*`npm ci && npm run build`/);
    expect(first.stdout).toContain('`npm start` starts a server that listens on the port');
    expect(first.stdout).toContain(
      'Wrote:\n  - perfgate.yml\n  - .github/workflows/perfgate.yml\n  - .github/workflows/perfgate-nightly.yml\n',
    );

    // The real loader reads it back: an http benchmark on `npm start`, a bundle of dist/.
    const config = await loadConfig(join(repo.dir, 'perfgate.yml'));
    expect(config.build).toBe('npm ci && npm run build');
    expect(config.benchmarks.map((b) => [b.name, b.type])).toEqual([
      ['server', 'http'],
      ['bundle', 'bundle'],
    ]);
    expect(config.benchmarks[0]).toMatchObject({ start: 'npm start' });
    expect(config.benchmarks[1]).toMatchObject({ files: ['dist/**/*.js', 'dist/**/*.css'] });

    const pr = parseYaml(readFileSync(join(repo.dir, '.github/workflows/perfgate.yml'), 'utf8'));
    expect(pr.on).toBe('pull_request');
    expect(pr.permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
      checks: 'write',
    });
    const steps = pr.jobs.perfgate.steps as Array<{ uses: string; with?: Record<string, unknown> }>;
    expect(steps.map((s) => s.uses)).toEqual([
      'actions/checkout@v5',
      'actions/setup-node@v5',
      'perfgate/perfgate@v0',
    ]);
    expect(steps[0]!.with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false });
    const nightly = parseYaml(
      readFileSync(join(repo.dir, '.github/workflows/perfgate-nightly.yml'), 'utf8'),
    );
    expect(nightly.on.schedule).toHaveLength(1);
    expect(nightly.jobs.trend.steps.at(-1).with).toMatchObject({ mode: 'trend' });

    // A second run without --force refuses and changes nothing.
    const paths = ['perfgate.yml', '.github/workflows/perfgate.yml'].map((p) => join(repo.dir, p));
    const before = paths.map((p) => [readFileSync(p, 'utf8'), statSync(p).mtimeMs]);
    const second = await cli(repo.dir, 'init');
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      'perfgate init would overwrite perfgate.yml, .github/workflows/perfgate.yml, .github/workflows/perfgate-nightly.yml; nothing was written',
    );
    expect(second.stderr).toContain('--force');
    expect(paths.map((p) => [readFileSync(p, 'utf8'), statSync(p).mtimeMs])).toEqual(before);
    const forced = await cli(repo.dir, 'init', '--force');
    expect(forced.code, forced.stderr).toBe(0);

    // And `perfgate compare` runs it for real: both trees built, servers started, sizes weighed.
    repo.commit('base with perfgate', {});
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('head', { 'README.md': 'docs only\n' });
    const json = join(repo.dir, '.git', 'result.json');
    const run = await cli(repo.dir, 'compare', '--base', 'main', '--budget', '8s', '--json', json);
    expect([0, 1], run.stderr).toContain(run.code);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    const benchmarks = new Set(result.comparisons.map((c: { benchmark: string }) => c.benchmark));
    expect([...benchmarks].sort()).toEqual(['bundle', 'server']);
  });

  it('finds size-limit, Lighthouse CI and benchmark files, and says when there is nothing', async () => {
    const repo = repoWith({
      'package.json': JSON.stringify({
        scripts: { build: 'vite build' },
        devDependencies: { vitest: '^4.0.0' },
        'size-limit': [{ path: './dist/index.js' }, { path: ['dist/vendor.js'] }],
      }),
      'lighthouserc.json': JSON.stringify({
        ci: {
          collect: {
            staticDistDir: './dist',
            url: ['http://localhost/', 'http://localhost/about'],
          },
        },
      }),
      'src/sort.bench.ts': "bench('sort', () => {});\n",
    });
    const f = detectProject(repo.dir);
    expect(f.bundle).toEqual(['dist/index.js', 'dist/vendor.js']);
    expect(f.lighthouse).toEqual({ serve: 'dist', pages: ['/', '/about'] });
    expect(f.suite).toEqual({
      run: 'npx vitest bench --run --outputJson perfgate-bench.json',
      format: 'vitest',
      output: 'perfgate-bench.json',
    });
    expect(f.command).toBeUndefined();
    expect(f.build).toBe('npm install && npm run build');
    expect(f.http).toBeUndefined();
    expect(f.found).toEqual([
      'package.json with the scripts build',
      'a size-limit config (package.json "size-limit"): dist/index.js, dist/vendor.js',
      'a Lighthouse CI config (lighthouserc.json): pages /, /about',
      '1 benchmark file (src/sort.bench.ts)',
    ]);

    // Written out, the loader takes each of them: the bundle, the pages and the suite.
    const written = await cli(repo.dir, 'init');
    expect(written.code, written.stderr).toBe(0);
    const config = await loadConfig(join(repo.dir, 'perfgate.yml'));
    expect(config.benchmarks.map((b) => b.type)).toEqual(['bundle', 'lighthouse', 'suite']);

    const empty = repoWith({ 'notes.txt': 'nothing to run\n' });
    const none = await cli(empty.dir, 'init');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('perfgate init found nothing to measure');
  });
});
