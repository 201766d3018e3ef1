// The size cache in the action: the keys a run saves under and restores from, restore only when a
// bundle benchmark reads the cache, save only when it added sizes, failures said and never fatal;
// and runMode handing the cache to every measurement of a mode. The actions cache is injected
// (a recording store that keeps entries in a directory); the cache files are real.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionDeps } from '../../src/action/io.js';
import type { ActionContext } from '../../src/github/context.js';
import { SizeCache } from '../../src/history/size-cache.js';
import {
  type ActionsCacheStore,
  actionSizeCache,
  sizeCacheKeys,
} from '../../src/history/size-cache-action.js';
import { runMode } from '../../src/modes/run-mode.js';
import type { PipelineOptions } from '../../src/pipeline.js';
import { sampleResult } from '../github/sample-result.js';
import { context, inputs, recordingIo } from '../modes/helpers.js';

const temp = mkdtempSync(join(tmpdir(), 'perfgate-size-cache-action-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(temp, `d${dirs++}`);
const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const NOW = 1_764_000_000_000;
const STAMP = NOW.toString(36);

const pr = {
  number: 12,
  baseRef: 'main',
  baseSha: 'a'.repeat(40),
  headRef: 'feature',
  headSha: 'b'.repeat(40),
  fork: false,
};

/** An actions cache that keeps each saved entry as a copy of the paths, and records calls. */
function recordingStore(entries: Map<string, string> = new Map(), available = true) {
  const calls: Array<{ op: 'restore' | 'save'; key: string; restoreKeys?: string[] }> = [];
  const store: ActionsCacheStore = {
    available: () => available,
    async restore(paths, key, restoreKeys) {
      calls.push({ op: 'restore', key, restoreKeys });
      // As the service does: the newest entry whose key starts with the first prefix that matches.
      for (const prefix of restoreKeys) {
        const matched = [...entries.keys()]
          .filter((k) => k.startsWith(prefix))
          .sort()
          .at(-1);
        if (matched) {
          cpSync(entries.get(matched)!, paths[0]!, { recursive: true });
          return matched;
        }
      }
      return undefined;
    },
    async save(paths, key) {
      calls.push({ op: 'save', key });
      const copy = newDir();
      cpSync(paths[0]!, copy, { recursive: true });
      entries.set(key, copy);
      return entries.size;
    },
  };
  return { store, calls, entries };
}

describe('sizeCacheKeys', () => {
  it('a pull request: its own ref, then its base branch, then anything it may read', () => {
    const keys = sizeCacheKeys(context({ pullRequest: pr }), 'default', { os: 'linux', now: NOW });
    expect(keys).toEqual({
      key: `perfgate-sizes-v1-linux:refs/pull/12/merge:987-default-${STAMP}`,
      restoreKeys: [
        'perfgate-sizes-v1-linux:refs/pull/12/merge:',
        'perfgate-sizes-v1-linux:refs/heads/main:',
        'perfgate-sizes-v1-linux:',
      ],
    });
  });

  it('a push to the default branch: its own runs, then anything', () => {
    const keys = sizeCacheKeys(context({ ref: 'refs/heads/main', eventName: 'push' }), 'web', {
      os: 'darwin',
      now: NOW,
    });
    expect(keys).toEqual({
      key: `perfgate-sizes-v1-darwin:refs/heads/main:987-web-${STAMP}`,
      restoreKeys: ['perfgate-sizes-v1-darwin:refs/heads/main:', 'perfgate-sizes-v1-darwin:'],
    });
  });
});

describe('actionSizeCache', () => {
  const ctx = (runId: number, fields: Partial<ActionContext> = {}) =>
    context({ runId, runnerTemp: newDir(), ...fields });

  it("restores the base branch's sizes into a pull request's run, and saves what the run added", async () => {
    const { store, calls, entries } = recordingStore();
    const io = recordingIo();
    // The default branch's push run: nothing to restore; it sizes `a` and saves.
    const push = actionSizeCache(
      ctx(100, { ref: 'refs/heads/main', eventName: 'push' }),
      'default',
      store,
      io,
      { os: 'linux', now: () => NOW },
    );
    await push.cache.load();
    push.cache.set('brotli', hash('a'), 500);
    await push.cache.flush();
    await push.save();
    expect(calls).toEqual([
      {
        op: 'restore',
        key: `perfgate-sizes-v1-linux:refs/heads/main:100-default-${STAMP}`,
        restoreKeys: ['perfgate-sizes-v1-linux:refs/heads/main:', 'perfgate-sizes-v1-linux:'],
      },
      { op: 'save', key: `perfgate-sizes-v1-linux:refs/heads/main:100-default-${STAMP}` },
    ]);
    expect(io.infos).toContain(
      'Bundle size cache: no entry under perfgate-sizes-v1-linux:refs/heads/main:, perfgate-sizes-v1-linux:; every size is computed.',
    );

    // A pull request's run: its own prefix has nothing, its base branch has the push's entry.
    calls.length = 0;
    const prRun = actionSizeCache(ctx(101, { pullRequest: pr }), 'default', store, io, {
      os: 'linux',
      now: () => NOW + 1000,
    });
    expect(calls).toEqual([]); // nothing restored before a bundle benchmark reads it
    await prRun.cache.load();
    expect(io.infos).toContain(
      `Bundle size cache restored from the actions cache entry perfgate-sizes-v1-linux:refs/heads/main:100-default-${STAMP}.`,
    );
    expect(prRun.cache.get('brotli', hash('a'))).toBe(500);
    prRun.cache.set('gzip', hash('b'), 77);
    await prRun.save(); // flushes what the pipeline has not
    const prKey = `perfgate-sizes-v1-linux:refs/pull/12/merge:101-default-${(NOW + 1000).toString(36)}`;
    expect(calls.map((c) => [c.op, c.key])).toEqual([
      ['restore', prKey],
      ['save', prKey],
    ]);
    const saved = new SizeCache(entries.get(prKey)!);
    await saved.load();
    expect([saved.get('brotli', hash('a')), saved.get('gzip', hash('b'))]).toEqual([500, 77]);
  });

  it('saves nothing when no bundle benchmark read the cache, or nothing was added', async () => {
    const { store, calls, entries } = recordingStore();
    const io = recordingIo();
    const unused = actionSizeCache(ctx(1), 'default', store, io);
    await unused.save();
    expect(calls).toEqual([]);

    const seed = new SizeCache(newDir());
    await seed.load();
    seed.set('gzip', hash('x'), 9);
    await seed.flush();
    entries.set('perfgate-sizes-v1-linux:refs/pull/12/merge:1-default-0', seed.root);
    const allHits = actionSizeCache(ctx(2), 'default', store, io, { os: 'linux' });
    await allHits.cache.load();
    expect(allHits.cache.get('gzip', hash('x'))).toBe(9);
    await allHits.save();
    expect(calls.map((c) => c.op)).toEqual(['restore']);
    expect(io.infos).toContain(
      'Bundle size cache: no new size; the actions cache entry is left as it was.',
    );
  });

  it('without the actions cache, sizes stay on the runner and nothing is called', async () => {
    const { store, calls } = recordingStore(new Map(), false);
    const io = recordingIo();
    const sizes = actionSizeCache(ctx(3), 'default', store, io);
    await sizes.cache.load();
    sizes.cache.set('gzip', hash('y'), 4);
    await sizes.save();
    expect(calls).toEqual([]);
    expect(io.infos).toContain(
      'Bundle size cache: the actions cache is not available to this job; sizes are kept on this runner only.',
    );
  });

  it('a failing restore is a note; a failing save a warning; neither throws', async () => {
    const io = recordingIo();
    const store: ActionsCacheStore = {
      available: () => true,
      restore: async () => {
        throw new Error('503 from the cache service');
      },
      save: async () => {
        throw new Error('quota exceeded');
      },
    };
    const sizes = actionSizeCache(ctx(4), 'default', store, io);
    await sizes.cache.load();
    expect(sizes.cache.takeNotes()).toEqual([
      'Bundle size cache not restored: 503 from the cache service.',
    ]);
    sizes.cache.set('gzip', hash('z'), 4);
    await sizes.save();
    expect(io.warnings).toEqual([
      'Bundle size cache not saved to the actions cache: quota exceeded; later runs compute these sizes again.',
    ]);
  });
});

describe('runMode with input size-cache', () => {
  function setup(sizeCache: boolean) {
    const cwd = newDir();
    const runnerTemp = newDir();
    mkdirSync(cwd);
    writeFileSync(
      join(cwd, 'perfgate.yml'),
      'benchmarks:\n  - { name: web, type: bundle, files: ["dist/*.js"] }\n',
    );
    const { store, calls } = recordingStore();
    const measured: PipelineOptions[] = [];
    const deps: ActionDeps = {
      io: recordingIo(),
      cwd,
      github: () => {
        throw new Error('collect posts nothing');
      },
      // What the pipeline does with the cache: read, add the sizes it computed, flush.
      measure: async (options) => {
        measured.push(options);
        if (options.sizeCache) {
          await options.sizeCache.load();
          options.sizeCache.set('brotli', hash('app.js'), 1234);
          await options.sizeCache.flush();
        }
        return sampleResult();
      },
      upload: async (name) => ({ id: 5, name, size: 1 }),
      actionsCache: store,
    };
    const run = () =>
      runMode(
        inputs({ mode: 'collect', sizeCache }),
        context({ runnerTemp, pullRequest: pr }),
        deps,
      );
    return { run, calls, measured, runnerTemp };
  }

  it('hands the measurement the cache under RUNNER_TEMP, restored first and saved after', async () => {
    const { run, calls, measured, runnerTemp } = setup(true);
    await run();
    expect(measured).toHaveLength(1);
    expect(measured[0]!.sizeCache?.root).toBe(join(runnerTemp, 'perfgate', 'size-cache'));
    expect(calls.map((c) => c.op)).toEqual(['restore', 'save']);
    expect(calls[1]!.key).toMatch(/^perfgate-sizes-v1-\w+:refs\/pull\/12\/merge:987-default-\w+$/);
  });

  it('size-cache: false gives the measurement no cache and calls nothing', async () => {
    const { run, calls, measured } = setup(false);
    await run();
    expect(measured[0]!.sizeCache).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
