// The `budgets:` of the http, command and lighthouse benchmarks, read from the kinds' metric
// catalogues: one key per metric with a budget, written as its entry says (a duration, a
// percentage, a size or a plain number) within its range. verdict/budgets.ts checks them, each on
// head's median over the rounds (bundle budgets are in kinds/bundle/schema.ts: sizes, keyed by
// file). Each kind's schema passes its own catalogue: config/ cannot import the registry here,
// since the registry imports the kinds' schemas.
import { z } from 'zod';
import type { Catalogue, MetricEntry } from '../kinds/catalogue.js';
import {
  documented,
  duration,
  expecting,
  fields,
  issue,
  percent,
  plainNumber,
  size,
} from './leaves.js';
import { rangeText } from './ranges.js';
import { didYouMean } from './suggest.js';
import { describeValue } from './values.js';

/** A kind's metrics and what one budget applies to, in the descriptions (`of every route`). */
export interface BudgetedKind {
  catalogue: Catalogue;
  scope: string;
}

const EXAMPLE: Record<string, string> = {
  duration: '150ms',
  percent: '0.1%',
  size: '500kB',
};

function budgeted(kind: BudgetedKind): MetricEntry[] {
  return (kind.catalogue as readonly MetricEntry[]).filter((e) => e.budget !== undefined);
}

/** The value of one budget, parsed and range-checked as its catalogue entry says. */
function budgetValue(entry: MetricEntry) {
  const { writtenAs, range } = entry.budget!;
  if (writtenAs === 'duration') return duration(range);
  if (writtenAs === 'percent') return percent(range);
  if (writtenAs === 'size') return size(range);
  return plainNumber(`${entry.label} as a number without unit`, range);
}

function describeBudget(kind: BudgetedKind, entry: MetricEntry): string {
  const { writtenAs, range } = entry.budget!;
  const example = EXAMPLE[writtenAs] ?? (entry.unit === 'req/s' ? '500' : '0.1');
  const what =
    entry.better === 'higher'
      ? `Floor for ${entry.label} ${kind.scope} (${entry.unit}): the gate fails when head's median over the rounds is below it`
      : `Budget for ${entry.label} ${kind.scope}: the gate fails when head's ${entry.scale === 'exact' ? 'value' : 'median over the rounds'} is above it`;
  return `${what}, e.g. ${example} (${rangeText(range)}).`;
}

/** The budget keys of a kind, each with its schema. */
function budgetShape(kind: BudgetedKind) {
  return Object.fromEntries(
    budgeted(kind).map((e) => [
      e.budget!.key,
      documented(budgetValue(e).optional(), describeBudget(kind, e)),
    ]),
  ) as Record<string, z.ZodOptional<z.ZodType<number, unknown>>>;
}

function keysOf(kind: BudgetedKind): string[] {
  return budgeted(kind).map((e) => e.budget!.key);
}

/** `budgets:` of a command or lighthouse benchmark: the catalogue's keys, nothing else. */
export function targetBudgets(kind: BudgetedKind) {
  return fields(budgetShape(kind), `a mapping of budgets (${keysOf(kind).join(', ')})`);
}

/**
 * `budgets:` of an http benchmark (its catalogue in `kind`): the catalogue's keys apply to every route; `<route>/<key>`
 * (the route's display name, `/`, the key: `"GET /orders/p95": 150ms`) to one route, over the
 * general key. Route keys are checked against the routes by resolveRouteBudgets.
 */
export function routeBudgets(kind: BudgetedKind) {
  return z
    .object(budgetShape(kind), {
      error: expecting('a mapping of budgets such as p95: 100ms'),
    })
    .catchall(
      documented(
        z.union([z.string(), z.number()], {
          error: expecting('a budget such as 150ms, 0.1% or 500'),
        }),
        'A budget of one route: `<route name>/<key>`, e.g. "GET /orders/p95": 150ms.',
      ),
    );
}

/** The resolved budgets of an http benchmark, keyed as written; route keys parsed here, where
 *  the routes are known. Problems are issues on `budgets.<key>`. */
export function resolveRouteBudgets(
  kind: BudgetedKind,
  written: Record<string, unknown>,
  routes: readonly string[],
  ctx: z.core.$RefinementCtx,
): Record<string, number> {
  const general = new Map(budgeted(kind).map((e) => [e.budget!.key, e]));
  const keys = [...general.keys()];
  const budgets: Record<string, number> = {};
  for (const [key, value] of Object.entries(written)) {
    if (value === undefined) continue;
    if (general.has(key)) {
      budgets[key] = value as number;
      continue;
    }
    const path = ['budgets', key];
    const slash = key.lastIndexOf('/');
    const route = slash > 0 ? key.slice(0, slash) : '';
    const metric = slash > 0 ? key.slice(slash + 1) : key;
    const entry = general.get(metric);
    if (entry === undefined) {
      issue(
        ctx,
        `unknown budget key ${describeValue(metric)}; expected one of ${keys.join(', ')}, or "<route>/<key>" for one route${didYouMean(metric, keys)}`,
        path,
      );
      continue;
    }
    if (!routes.includes(route)) {
      issue(
        ctx,
        `unknown route ${describeValue(route)}; the routes are ${routes.join(', ')}${didYouMean(route, routes)}`,
        path,
      );
      continue;
    }
    const parsed = budgetValue(entry).safeParse(value);
    if (!parsed.success) {
      for (const problem of parsed.error.issues) {
        issue(ctx, problem.message, [...path, ...problem.path], value);
      }
      continue;
    }
    budgets[key] = parsed.data;
  }
  return budgets;
}
