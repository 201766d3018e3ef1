// How the `perfgate` command shows a run's progress. On a terminal: one block redrawn in place
// (log-update) — the phase, pairs done, elapsed of the budget, the next look, and the few
// metrics closest to a call with their current change and CI — cleared at the end, with the
// run's messages written above it. Elsewhere (a pipe, a CI log): plain lines, one per look, and
// in a GitHub Actions log each build's output folded in a group.
import { createLogUpdate } from 'log-update';
import { formatClock } from '../report/format.js';
import { fitWidth } from '../report/terminal.js';
import type { LookProgress, SamplerProgress } from '../sampler/index.js';
import {
  closestToDecision,
  describeEstimate,
  logProgress,
  type Phase,
  type RunProgress,
} from '../sampler/progress.js';
import { actionsLogGroup, type OutputGroup } from '../workspace/build.js';
import type { CliIo } from './io.js';

export interface ProgressDisplay {
  progress(event: RunProgress): void;
  /** A message, on its own line (above the block on a terminal). */
  log(line: string): void;
  /** Where a build's (and a server's start-up) output goes: a folded group in a GitHub Actions
   *  log, else nowhere. */
  outputGroup?: (title: string) => OutputGroup;
  /** Clears the block; the report that follows starts on a clean line. Safe to call twice. */
  close(): void;
}

export interface DisplayOptions {
  /** Terminal width; the block's lines are cut to it. */
  columns?: number;
  /** Clock seam (ms). */
  now?: () => number;
  /** How often the block is redrawn between events, so the clock moves (ms). */
  tickMs?: number;
}

/** How many undecided metrics the block shows. */
const SHOWN_METRICS = 3;

export function progressDisplay(io: CliIo, options: DisplayOptions = {}): ProgressDisplay {
  const line = (text: string) => io.stderr(`${text}\n`);
  if (!io.isTty) {
    return {
      progress: logProgress(line),
      log: line,
      ...(io.env.GITHUB_ACTIONS === 'true' ? { outputGroup: actionsLogGroup(line) } : {}),
      close: () => {},
    };
  }
  return terminalBlock(io, options);
}

export interface BlockState {
  phase?: Phase;
  sampled?: SamplerProgress;
  /** When the last sampler event came, to move its clock on between events. */
  sampledAt: number;
  look?: LookProgress;
}

function terminalBlock(io: CliIo, options: DisplayOptions): ProgressDisplay {
  const now = options.now ?? (() => performance.now());
  const columns = options.columns ?? 80;
  const started = now();
  // log-update writes to a stream; this one is the CLI's stderr.
  const stream = { write: (text: string) => io.stderr(text), columns, rows: 24, isTTY: true };
  const update = createLogUpdate(stream as unknown as NodeJS.WriteStream, { showCursor: true });
  const state: BlockState = { sampledAt: started };
  let closed = false;
  const render = () => {
    if (closed || state.phase === undefined) return;
    update(
      blockLines(state, now(), started)
        .map((l) => fitWidth(l, columns - 1))
        .join('\n'),
    );
  };
  const timer = setInterval(render, options.tickMs ?? 1_000);
  timer.unref();
  return {
    progress(event) {
      if ('phase' in event) {
        state.phase = event.phase;
        // A new sampling run (trend measures more than one) starts without the last one's look.
        if (event.phase !== 'sampling') {
          state.look = undefined;
          state.sampled = undefined;
        }
      } else {
        state.phase = 'sampling';
        state.sampled = event.sampled;
        state.sampledAt = now();
        if (event.sampled.look) state.look = event.sampled.look;
      }
      render();
    },
    log(text) {
      if (closed) return io.stderr(`${text}\n`);
      update.clear();
      io.stderr(`${text}\n`);
      render();
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      update.clear();
      update.done();
    },
  };
}

/**
 * The block: `sampling · 14 pairs · 0:43 / 2:00 · next look at 20 pairs, 2 looks left · 3/7
 * decided`, then one line per undecided metric nearest a call: `  api GET /work p50 +31% [+18%,
 * +44%]`.
 */
export function blockLines(state: BlockState, now: number, started: number): string[] {
  const s = state.sampled;
  if (!s) return [`${state.phase} · ${formatClock(now - started)}`];
  const elapsed = s.nextLook === undefined ? s.elapsedMs : s.elapsedMs + (now - state.sampledAt);
  const parts = [
    state.phase ?? 'sampling',
    `${s.pairs} pair${s.pairs === 1 ? '' : 's'}`,
    `${formatClock(Math.min(elapsed, s.budgetMs))} / ${formatClock(s.budgetMs)}`,
  ];
  const look = state.look;
  if (s.nextLook !== undefined) {
    const left = look && !look.final ? `, ${looks(look.looksLeft)} left` : '';
    parts.push(`next look at ${s.nextLook} pairs${left}`);
  }
  if (look) {
    const decided = look.statuses.filter((x) => x.status !== 'inconclusive').length;
    parts.push(`${decided}/${look.statuses.length} decided`);
  }
  const metrics = look ? closestToDecision(look.estimates, SHOWN_METRICS) : [];
  return [parts.join(' · '), ...metrics.map((e) => `  ${describeEstimate(e)}`)];
}

function looks(n: number): string {
  return `${n} look${n === 1 ? '' : 's'}`;
}
