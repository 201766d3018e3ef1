// The bundle size cache between the action's runs: the cache directory under RUNNER_TEMP is
// restored from the actions cache before the first bundle benchmark reads it, and saved under a
// new key after the run when the run added sizes to it.
//
// Keys: `perfgate-sizes-v1-<os>:<ref>:<run id>-<report id>-<time>`, one per run (actions cache
// entries cannot be overwritten). Restore keys, by prefix, newest first within each: this ref's
// own runs, then the pull request's base branch, then any entry this run may read. GitHub scopes
// entries by branch (a pull request reads its own, its base branch's and the default branch's),
// so a pull request never writes what the default branch reads. `:` cannot occur in a git ref,
// so `refs/heads/main:` does not also match a branch `main-old`.

import { join } from 'node:path';
import * as actionsCache from '@actions/cache';
import { getErrorMessage } from '../errors.js';
import type { ActionContext } from '../github/context.js';
import { SIZE_CACHE_VERSION, SizeCache } from './size-cache.js';

/** The actions cache as the size cache uses it (@actions/cache; tests pass recording ones). */
export interface ActionsCacheStore {
  available(): boolean;
  /** The key restored, or undefined when no entry matched. */
  restore(paths: string[], key: string, restoreKeys: string[]): Promise<string | undefined>;
  /** The entry's id. */
  save(paths: string[], key: string): Promise<number>;
}

export const actionsCacheStore: ActionsCacheStore = {
  available: () => actionsCache.isFeatureAvailable(),
  restore: (paths, key, restoreKeys) => actionsCache.restoreCache(paths, key, restoreKeys),
  save: (paths, key) => actionsCache.saveCache(paths, key),
};

export const SIZE_CACHE_KEY_PREFIX = `perfgate-sizes-v${SIZE_CACHE_VERSION}`;

type KeyContext = Pick<ActionContext, 'ref' | 'runId' | 'pullRequest'>;

/** This run's key and where a restore looks, in order. */
export function sizeCacheKeys(
  context: KeyContext,
  reportId: string,
  options: { os?: string; now?: number } = {},
): { key: string; restoreKeys: string[] } {
  const scope = `${SIZE_CACHE_KEY_PREFIX}-${options.os ?? process.platform}:`;
  // A comma separates keys in the cache service's API; refs cannot hold one, but be sure.
  const ref = (context.ref || 'unknown-ref').replaceAll(',', '_');
  const stamp = (options.now ?? Date.now()).toString(36);
  const restoreKeys = [`${scope}${ref}:`];
  const base = context.pullRequest?.baseRef;
  if (base) {
    const baseKey = `${scope}refs/heads/${base.replaceAll(',', '_')}:`;
    if (baseKey !== restoreKeys[0]) restoreKeys.push(baseKey);
  }
  restoreKeys.push(scope);
  return { key: `${scope}${ref}:${context.runId}-${reportId}-${stamp}`, restoreKeys };
}

export interface ActionSizeCache {
  cache: SizeCache;
  /** Saves the directory under this run's key if the run added sizes; never throws. */
  save(): Promise<void>;
}

interface Log {
  info(message: string): void;
  warning(message: string): void;
}

/**
 * The run's size cache in `<runnerTemp>/perfgate/size-cache`, restored from the actions cache
 * when a bundle benchmark first reads it (a run without one downloads nothing).
 */
export function actionSizeCache(
  context: KeyContext & Pick<ActionContext, 'runnerTemp'>,
  reportId: string,
  store: ActionsCacheStore,
  log: Log,
  options: { os?: string; now?: () => number } = {},
): ActionSizeCache {
  const root = join(context.runnerTemp, 'perfgate', 'size-cache');
  const now = options.now ?? Date.now;
  const keys = sizeCacheKeys(context, reportId, {
    ...(options.os ? { os: options.os } : {}),
    now: now(),
  });
  const available = () => {
    try {
      return store.available();
    } catch {
      return false;
    }
  };
  const cache = new SizeCache(root, {
    now,
    prepare: async () => {
      if (!available()) {
        log.info(
          'Bundle size cache: the actions cache is not available to this job; sizes are kept on this runner only.',
        );
        return [];
      }
      const restored = await store.restore([root], keys.key, keys.restoreKeys);
      log.info(
        restored === undefined
          ? `Bundle size cache: no entry under ${keys.restoreKeys.join(', ')}; every size is computed.`
          : `Bundle size cache restored from the actions cache entry ${restored}.`,
      );
      return [];
    },
  });
  return {
    cache,
    async save() {
      if (!cache.isLoaded) return; // no bundle benchmark ran
      if (cache.stats.added === 0) {
        log.info('Bundle size cache: no new size; the actions cache entry is left as it was.');
        return;
      }
      if (!available()) return;
      try {
        await cache.flush(); // the pipeline flushed already; this writes only what came since
        const id = await store.save([root], keys.key);
        // @actions/cache answers -1 when it said why itself (a read-only cache mode, a failure).
        log.info(
          id === -1
            ? `Bundle size cache not saved to the actions cache (the cache library said why above).`
            : `Bundle size cache saved to the actions cache as ${keys.key} (${cache.size} sizes, entry ${id}).`,
        );
      } catch (error) {
        log.warning(
          `Bundle size cache not saved to the actions cache: ${getErrorMessage(error)}; later runs compute these sizes again.`,
        );
      }
    },
  };
}
