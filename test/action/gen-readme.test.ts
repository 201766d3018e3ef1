import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  renderActionTables,
  renderMetricTable,
  renderRangeTable,
  updateReadme,
} from '../../scripts/gen-readme.js';
import { RANGES } from '../../src/config/ranges.js';
import { CATALOGUES } from '../../src/kinds/registry.js';

const root = new URL('../../', import.meta.url);

describe('the README inputs/outputs table', () => {
  it('renders every input with its default and every output, escaping pipes', () => {
    const tables = renderActionTables(
      [
        'inputs:',
        '  mode: { description: "`a` | `b`", default: a }',
        '  token: { description: Needed., required: true }',
        '  base: { description: "Two\\n  lines.", default: "" }',
        'outputs:',
        '  verdict: { description: The verdict. }',
      ].join('\n'),
    );
    expect(tables).toBe(
      [
        '#### Inputs',
        '',
        '| input | default | description |',
        '| --- | --- | --- |',
        '| `mode` | `a` | `a` \\| `b` |',
        '| `token` | *required* | Needed. |',
        '| `base` |  | Two lines. |',
        '',
        '#### Outputs',
        '',
        '| output | description |',
        '| --- | --- |',
        '| `verdict` | The verdict. |',
      ].join('\n'),
    );
  });

  it('replaces only the marked regions and needs the markers', () => {
    const io = 'intro\n<!-- action-io:start -->\nold\n<!-- action-io:end -->\nrest\n';
    const ranges = '<!-- config-ranges:start -->\nold\n<!-- config-ranges:end -->\nend\n';
    const metrics = '<!-- metrics:start -->\nold\n<!-- metrics:end -->\n';
    expect(updateReadme(io + ranges + metrics, 'new')).toBe(
      `intro\n<!-- action-io:start -->\nnew\n<!-- action-io:end -->\nrest\n<!-- config-ranges:start -->\n${renderRangeTable()}\n<!-- config-ranges:end -->\nend\n<!-- metrics:start -->\n${renderMetricTable()}\n<!-- metrics:end -->\n`,
    );
    expect(() => updateReadme('no markers', 'x')).toThrow(/needs the markers/);
    expect(() => updateReadme(io, 'x')).toThrow(/config-ranges:start/);
  });

  it('lists the range of every bounded field of perfgate.yml, as the loader states it', () => {
    const table = renderRangeTable().split('\n');
    expect(table.slice(2)).toHaveLength(Object.keys(RANGES).length);
    expect(table).toContain('| `timeout` of a `command` benchmark (per run) | from 10ms to 6h |');
    expect(table).toContain(
      '| `gate.threshold` and percentage thresholds | above 0% and at most 1000% |',
    );
  });

  it('lists every metric of every kind from the catalogues, with its budget key', () => {
    const rows = renderMetricTable().split('\n').slice(2);
    expect(rows).toHaveLength(Object.values(CATALOGUES).flat().length);
    expect(rows).toContain(
      '| http | `p95` | 95th percentile latency | ms | lower | relative change, paired rounds | `p95` |',
    );
    expect(rows).toContain(
      '| lighthouse | `speed-index` | Speed Index | ms | lower | relative change, paired rounds | `si` |',
    );
  });

  it('is fresh in the README, and --check says so with its exit code', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const action = readFileSync(new URL('action.yml', root), 'utf8');
    expect(updateReadme(readme, renderActionTables(action))).toBe(readme);
    const check = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/gen-readme.ts', '--check'],
      {
        cwd: fileURLToPath(root),
        encoding: 'utf8',
      },
    );
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/tables are fresh/);
  });

  it('--check exits 1 on a stale README and leaves it alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfgate-readme-'));
    try {
      const stale = join(dir, 'README.md');
      const text =
        'x\n<!-- action-io:start -->\n| `old-input` |\n<!-- action-io:end -->\n' +
        '<!-- config-ranges:start -->\n<!-- config-ranges:end -->\n' +
        '<!-- metrics:start -->\n<!-- metrics:end -->\n';
      writeFileSync(stale, text);
      const check = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/gen-readme.ts', '--check', `--readme=${stale}`],
        {
          cwd: fileURLToPath(root),
          encoding: 'utf8',
        },
      );
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/table is stale; run `npm run readme`/);
      expect(readFileSync(stale, 'utf8')).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
