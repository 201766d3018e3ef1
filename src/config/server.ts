// The fields of a server a benchmark starts in each tree (http's, and lighthouse's `start`),
// shared by the kinds' schemas (kinds/<kind>/schema.ts) so they read and document alike.
import { documented, duration, environment, issue, text, treePath, urlPath } from './leaves.js';
import { RANGES, rangeText } from './ranges.js';

export const SERVER_DEFAULTS = { readyTimeout: '60s', cwd: '.' } as const;

export const SERVER_FIELDS = {
  start: documented(
    text('a shell command that starts the server'),
    'Shell command that starts the server, run in each tree; it gets PORT in its environment and must listen on it.',
  ),
  ready: documented(
    urlPath('a path'),
    'Path polled until it answers 2xx before measuring; when absent, the port accepting connections is enough.',
  ),
  'ready-timeout': documented(
    duration(RANGES.readyTimeout),
    `How long the server may take to become ready (default ${SERVER_DEFAULTS.readyTimeout}; ${rangeText(RANGES.readyTimeout)}).`,
  ),
  env: documented(
    environment().superRefine((env, ctx) => {
      if (Object.hasOwn(env, 'PORT')) {
        issue(ctx, 'PORT is chosen by perfgate for each server; remove it from env', ['PORT']);
      }
    }),
    'Extra environment variables for the server (PORT is set by perfgate).',
  ),
  cwd: documented(
    treePath('a directory'),
    `Working directory of the server, relative to the tree root (default ${SERVER_DEFAULTS.cwd}).`,
  ),
};
