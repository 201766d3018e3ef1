// A compiled project's frames mapped to their sources: TypeScript compiled by esbuild with a
// map file beside the output, run with the preload, its profile's frames named by the .ts file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { functionKey, summariseProfile } from '../../src/profile/cpuprofile.js';
import { PRELOAD_SOURCE, profilerEnvironment } from '../../src/profile/preload.js';
import { applySourceMaps } from '../../src/profile/source-maps.js';

const SOURCE = `import { pbkdf2Sync } from 'node:crypto';

// A few lines, so that the compiled lines differ from these.
type Key = string;

export function deriveKeys(count: number): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(pbkdf2Sync(String(i), 'salt', 2000, 32, 'sha256').toString('hex'));
  }
  return keys;
}

deriveKeys(60);
`;

describe('applySourceMaps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-source-maps-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a compiled function by its TypeScript file and line', () => {
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'src', 'keys.ts'), SOURCE);
    buildSync({
      entryPoints: [join(dir, 'src', 'keys.ts')],
      outfile: join(dir, 'dist', 'keys.js'),
      platform: 'node',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'preload.cjs'), PRELOAD_SOURCE);
    execFileSync('node', ['dist/keys.js'], {
      cwd: dir,
      env: {
        ...process.env,
        ...profilerEnvironment(join(dir, 'preload.cjs'), { run: join(dir, 'out') }, undefined),
      },
    });
    const [file] = readdirSync(join(dir, 'out'));
    const raw = JSON.parse(readFileSync(join(dir, 'out', file!), 'utf8'));
    const compiled = summariseProfile(raw, dir).functions.get(
      functionKey({ name: 'deriveKeys', file: 'dist/keys.js', line: 0 }),
    );
    expect(compiled?.id.line).not.toBe(6);
    const mapped = summariseProfile(applySourceMaps(raw, dir), dir);
    const derive = mapped.functions.get(
      functionKey({ name: 'deriveKeys', file: 'src/keys.ts', line: 0 }),
    );
    expect(derive?.id).toMatchObject({ file: 'src/keys.ts', line: 6, own: true });
    expect(derive!.attributedMs).toBeGreaterThan(0.5 * mapped.totals.busyMs);
    // Its hot line is the pbkdf2Sync call's, in the source.
    const lines = Object.entries(derive!.lines).sort((a, b) => b[1] - a[1]);
    if (lines.length > 0) expect(Number(lines[0]![0])).toBeGreaterThanOrEqual(6);
    // Node's own frames are untouched.
    expect(
      [...mapped.functions.values()].some((f) => f.id.file === 'node:internal/crypto/pbkdf2'),
    ).toBe(true);
  });

  it('leaves a file without a map as it was', () => {
    const profile = {
      nodes: [
        {
          id: 1,
          callFrame: {
            functionName: 'f',
            url: `file://${dir}/none.js`,
            lineNumber: 3,
            columnNumber: 0,
          },
        },
      ],
      startTime: 0,
      endTime: 1,
    };
    writeFileSync(join(dir, 'none.js'), 'function f() {}\n');
    expect(applySourceMaps(profile, dir)).toEqual(profile);
  });
});
