// The action's inputs, read once from the runner's INPUT_* variables into one typed `Inputs`
// (peter-evans/create-pull-request style). Strict: enums are checked exactly, booleans are only
// `true`/`false`, inputs that mean nothing in the chosen mode are errors, and an INPUT_*
// variable the action does not know (a typo, a renamed input) is an error, not a silent default.
// Its value is never shown: a misspelt `token:` holds a secret the runner does not mask.
import * as core from '@actions/core';
import { parseShard, SHARD_RULE } from '../config/shard.js';
import { closest } from '../config/suggest.js';
import { describeValue, parseDuration, parsePercent, ValueError } from '../config/values.js';
import {
  ACTION_MODES,
  type ActionMode,
  BASELINE_POLICIES,
  type BaselinePolicy,
  COMMENT_POLICIES,
  type CommentPolicy,
  DEFAULT_REPORT_ID,
  FAIL_ON,
  type FailOn,
  INPUT,
  type InputName,
} from '../constants.js';
import { BadInputError, getErrorMessage } from '../errors.js';
import { isReportId, REPORT_ID_RULE } from '../report/comment-marker.js';

export interface Inputs {
  /** Config path, relative to `workingDirectory`. */
  config: string;
  mode: ActionMode;
  githubToken: string;
  /** Base ref; undefined means the pull request's base from the event. */
  base?: string;
  /** A validated duration (`90s`), passed to the config's overrides. */
  timeBudget?: string;
  /** A validated percentage (`5%`), passed to the config's overrides. */
  threshold?: string;
  comment: CommentPolicy;
  checkRun: boolean;
  /** Undefined means the config's `gate.fail-on` (`regression` in report mode). */
  failOn?: FailOn;
  reportId: string;
  /** report mode: the workflow run whose artifact to read; undefined means the triggering run. */
  runId?: number;
  workingDirectory: string;
  /** compare: whether a stored baseline of the merge-base may stand in for measuring it. */
  baseline: BaselinePolicy;
  /** trend: days back of the creep comparison's commit (0: off); undefined means the default. */
  creepDays?: number;
  /** collect: `i/n`, the part of the benchmarks this job of a matrix measures (checked). */
  shard?: string;
  /** Bundle sizes kept between runs in the actions cache (history/size-cache-action.ts). */
  sizeCache: boolean;
  /** compare: the label that accepts a pull request's regressions; undefined means the default. */
  acceptLabel?: string;
}

/** A bad action input: names the input, the value received (unless it is unknown, when the
 *  value may be a secret) and what was expected. */
export class InputError extends BadInputError {
  override name = 'InputError';
  constructor(
    readonly input: string,
    readonly value: string | undefined,
    readonly expected: string,
    hint?: string,
  ) {
    const is =
      value === undefined ? 'is not an input of this action' : `is ${describeValue(value)}`;
    super(`input \`${input}\` ${is}; expected ${expected}${hint ? `; ${hint}` : ''}`);
  }
}

const KNOWN_INPUTS: readonly InputName[] = Object.values(INPUT);

/** The runner's spelling: `INPUT_` + the name upper-cased, spaces as `_`, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** `mask` registers a secret with the runner, which then hides it in the log (`::add-mask::`);
 *  the token is masked before anything else can fail and print. */
export function readInputs(
  env: NodeJS.ProcessEnv = process.env,
  mask: (secret: string) => void = core.setSecret,
): Inputs {
  const token = (env[inputVariable(INPUT.githubToken)] ?? '').trim();
  if (token !== '') mask(token);
  rejectUnknownInputs(env);
  const get = (name: InputName): string => (env[inputVariable(name)] ?? '').trim();
  const optional = (name: InputName): string | undefined => get(name) || undefined;

  const mode = oneOf(INPUT.mode, get(INPUT.mode) || 'compare', ACTION_MODES);
  const comment = oneOf(INPUT.comment, get(INPUT.comment) || 'always', COMMENT_POLICIES);
  const checkRun = boolean(INPUT.checkRun, get(INPUT.checkRun) || 'true');
  const baseline = oneOf(INPUT.baseline, get(INPUT.baseline) || 'auto', BASELINE_POLICIES);
  const sizeCache = boolean(INPUT.sizeCache, get(INPUT.sizeCache) || 'true');
  const failOnText = optional(INPUT.failOn);
  const failOn = failOnText === undefined ? undefined : oneOf(INPUT.failOn, failOnText, FAIL_ON);

  const reportId = get(INPUT.reportId) || DEFAULT_REPORT_ID;
  if (!isReportId(reportId)) {
    throw new InputError(
      INPUT.reportId,
      reportId,
      REPORT_ID_RULE,
      'it names artifacts and the hidden comment marker',
    );
  }

  const acceptLabel = optional(INPUT.acceptLabel);
  // GitHub's own limit on a label's name.
  if (acceptLabel !== undefined && (acceptLabel.length > 50 || /[\r\n]/.test(acceptLabel))) {
    throw new InputError(INPUT.acceptLabel, acceptLabel, 'a label name of at most 50 characters');
  }

  const timeBudget = optional(INPUT.timeBudget);
  if (timeBudget !== undefined) checked(INPUT.timeBudget, timeBudget, parseDuration);
  const threshold = optional(INPUT.threshold);
  if (threshold !== undefined) checked(INPUT.threshold, threshold, parsePercent);

  const runIdText = optional(INPUT.runId);
  let runId: number | undefined;
  if (runIdText !== undefined) {
    runId = Number(runIdText);
    if (!/^\d+$/.test(runIdText) || !Number.isSafeInteger(runId) || runId <= 0) {
      throw new InputError(INPUT.runId, runIdText, 'a workflow run id (a positive whole number)');
    }
  }

  const creepText = optional(INPUT.creepDays);
  let creepDays: number | undefined;
  if (creepText !== undefined) {
    creepDays = Number(creepText);
    if (!/^\d{1,4}$/.test(creepText) || creepDays > 3650) {
      throw new InputError(
        INPUT.creepDays,
        creepText,
        'a whole number of days from 0 (off) to 3650',
      );
    }
  }

  const shard = optional(INPUT.shard);
  if (shard !== undefined) {
    try {
      parseShard(shard, INPUT.shard);
    } catch {
      throw new InputError(INPUT.shard, shard, SHARD_RULE);
    }
  }

  const base = optional(INPUT.base);
  const config = get(INPUT.config) || 'perfgate.yml';
  const workingDirectory = get(INPUT.workingDirectory) || '.';
  const githubToken = get(INPUT.githubToken);

  // Inputs that would be silently ignored in this mode are errors: the workflow says something
  // the action would not do.
  const meaningless: Array<[InputName, string | undefined, readonly ActionMode[]]> = [
    [INPUT.runId, runIdText, ['report']],
    [INPUT.creepDays, creepText, ['trend']],
    [INPUT.shard, shard, ['collect']],
    [INPUT.base, base, ['compare', 'collect', 'trend']],
    [INPUT.timeBudget, timeBudget, ['compare', 'collect', 'record', 'trend']],
    [INPUT.threshold, threshold, ['compare', 'collect', 'record', 'trend']],
  ];
  for (const [name, value, modes] of meaningless) {
    if (value !== undefined && !modes.includes(mode)) {
      throw new InputError(
        name,
        value,
        `no value in mode \`${mode}\``,
        `\`${name}\` applies only to mode ${modes.map((m) => `\`${m}\``).join(' and ')}`,
      );
    }
  }
  // action.yml passes `auto` in every mode; only a deliberate `never` says something meaningless.
  if (baseline === 'never' && mode !== 'compare') {
    throw new InputError(
      INPUT.baseline,
      baseline,
      `no value in mode \`${mode}\``,
      `\`${INPUT.baseline}\` applies only to mode \`compare\``,
    );
  }
  // Likewise `size-cache`: true by default everywhere; report measures nothing.
  if (!sizeCache && mode === 'report') {
    throw new InputError(
      INPUT.sizeCache,
      'false',
      'no value in mode `report`',
      `\`${INPUT.sizeCache}\` applies only to the modes that measure`,
    );
  }
  const posts =
    (mode === 'compare' && (comment !== 'never' || checkRun)) ||
    mode === 'report' ||
    mode === 'trend' ||
    mode === 'merge';
  if (posts && githubToken === '') {
    throw new InputError(
      INPUT.githubToken,
      githubToken,
      `a token in mode \`${mode}\`, which posts the report`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown as written
      'leave the input unset to use `${{ github.token }}`',
    );
  }

  return {
    config,
    mode,
    githubToken,
    base,
    timeBudget,
    threshold,
    comment,
    checkRun,
    failOn,
    reportId,
    runId,
    workingDirectory,
    baseline,
    sizeCache,
    ...(creepDays !== undefined ? { creepDays } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(acceptLabel !== undefined ? { acceptLabel } : {}),
  };
}

function rejectUnknownInputs(env: NodeJS.ProcessEnv): void {
  const known = new Map(KNOWN_INPUTS.map((name) => [inputVariable(name), name]));
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith('INPUT_') || known.has(variable)) continue;
    const written = variable.slice('INPUT_'.length).toLowerCase();
    // `token` means `github-token`: a known name made of the written one and a prefix or suffix.
    const parts = KNOWN_INPUTS.filter(
      (name) => name.endsWith(`-${written}`) || name.startsWith(`${written}-`),
    );
    const guess = closest(written, KNOWN_INPUTS) ?? (parts.length === 1 ? parts[0] : undefined);
    throw new InputError(
      written,
      undefined,
      `one of the inputs ${KNOWN_INPUTS.map((n) => `\`${n}\``).join(', ')}`,
      guess === undefined ? 'this action has no such input' : `did you mean \`${guess}\`?`,
    );
  }
}

function oneOf<T extends string>(name: InputName, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const guess = closest(value, allowed);
  throw new InputError(
    name,
    value,
    `one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
    guess === undefined ? undefined : `did you mean \`${guess}\`?`,
  );
}

function boolean(name: InputName, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InputError(name, value, '`true` or `false`');
}

function checked(name: InputName, value: string, parse: (value: string) => unknown): void {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof ValueError) throw new InputError(name, value, error.expected, error.hint);
    throw new InputError(name, value, getErrorMessage(error));
  }
}
