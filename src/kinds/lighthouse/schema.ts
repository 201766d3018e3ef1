// The `lighthouse` benchmark of perfgate.yml: the pages, how they are served and their budgets.
import { z } from 'zod';
import { targetBudgets } from '../../config/budgets.js';
import {
  benchmarkName,
  choice,
  documented,
  expecting,
  fields,
  issue,
  listedOnce,
  treePath,
  urlPath,
} from '../../config/leaves.js';
import { SERVER_DEFAULTS, SERVER_FIELDS } from '../../config/server.js';
import { parseDuration } from '../../config/values.js';
import type { LighthouseBenchmarkConfig } from '../../model.js';
import { PAGE_METRICS } from './catalogue.js';

export const LIGHTHOUSE_DEFAULTS = { preset: 'mobile', pages: ['/'] } as const;

export const lighthouseSchema = fields(
  {
    name: documented(benchmarkName(), 'Unique name of the benchmark, shown in reports.'),
    type: z.literal('lighthouse'),
    serve: documented(
      treePath('a directory'),
      'A directory of static files (relative to the tree root) served on loopback; exclusive with start.',
    ).optional(),
    // Optional here, defaulted in the transform: given with `serve` they are errors.
    start: SERVER_FIELDS.start.optional(),
    ready: SERVER_FIELDS.ready.optional(),
    'ready-timeout': SERVER_FIELDS['ready-timeout'].optional(),
    env: SERVER_FIELDS.env.optional(),
    cwd: SERVER_FIELDS.cwd.optional(),
    pages: documented(
      z
        .array(urlPath('a page path'), { error: expecting('a list of page paths') })
        .min(1, { error: 'expected at least one page' })
        .superRefine((pages, ctx) => listedOnce(ctx, pages, 'page'))
        .prefault([...LIGHTHOUSE_DEFAULTS.pages]),
      `Page paths to audit (default ${JSON.stringify(LIGHTHOUSE_DEFAULTS.pages)}).`,
    ),
    preset: documented(
      choice(['desktop', 'mobile']).prefault(LIGHTHOUSE_DEFAULTS.preset),
      `Lighthouse emulation preset (default ${LIGHTHOUSE_DEFAULTS.preset}, as Lighthouse itself).`,
    ),
    budgets: documented(
      targetBudgets({ catalogue: PAGE_METRICS, scope: 'of every page' }).prefault({}),
      'Absolute budgets of every page; exceeding one fails the gate.',
    ),
  },
  'a lighthouse benchmark (a mapping)',
).transform((b, ctx): LighthouseBenchmarkConfig => {
  const out: LighthouseBenchmarkConfig = {
    name: b.name,
    type: 'lighthouse',
    pages: b.pages,
    preset: b.preset,
    budgets: Object.fromEntries(
      Object.entries(b.budgets).filter(([, value]) => value !== undefined),
    ) as Record<string, number>,
  };
  if (b.serve !== undefined) {
    if (b.start !== undefined) {
      issue(ctx, '`serve` and `start` exclude each other: serve a directory or start a server', [
        'start',
      ]);
    }
    for (const key of ['ready', 'ready-timeout', 'env', 'cwd'] as const) {
      if (b[key] !== undefined)
        issue(ctx, `applies only with \`start\`, not with \`serve\``, [key]);
    }
    out.serve = b.serve;
    return out;
  }
  if (b.start === undefined) {
    issue(
      ctx,
      'expected `serve` (a directory of static files) or `start` (a command that starts a server)',
    );
    return z.NEVER;
  }
  out.server = {
    start: b.start,
    readyTimeoutMs: b['ready-timeout'] ?? parseDuration(SERVER_DEFAULTS.readyTimeout),
    env: b.env ?? {},
    cwd: b.cwd ?? SERVER_DEFAULTS.cwd,
  };
  if (b.ready !== undefined) out.server.ready = b.ready;
  return out;
});
