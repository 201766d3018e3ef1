// One process-wide registry of what a run must undo: servers, worktrees, child process groups.
// Children run in their own process groups (so a stop reaches grandchildren), which also means a
// Ctrl-C at the terminal no longer reaches them: without this registry they would outlive us.

export interface CleanupOptions {
  /** A process group to SIGKILL synchronously if the process exits while still registered. */
  processGroup?: number;
  /** Synchronous last resort run at process exit while still registered (no awaiting there). */
  onExit?: () => void;
}

interface Entry extends CleanupOptions {
  run: () => unknown;
}

const entries = new Map<number, Entry>();
let nextId = 0;
let running: Promise<Error[]> | undefined;
let exitHookInstalled = false;
let signalsInstalled = false;
let interrupted = false;

/** How long a signal waits for the async cleanups before exiting anyway (the exit hook then
 *  SIGKILLs what is left). Servers get ~3 s each to stop gracefully. */
const SIGNAL_CLEANUP_LIMIT_MS = 15_000;
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Registers `fn` to run on `runCleanups()` (and so on SIGINT/SIGTERM); returns its removal. */
export function registerCleanup(fn: () => unknown, options: CleanupOptions = {}): () => void {
  const id = nextId++;
  entries.set(id, { run: fn, ...options });
  installHandlers();
  return () => {
    entries.delete(id);
    if (entries.size === 0) uninstallSignalHandlers();
  };
}

/**
 * Runs every registered cleanup, newest first (a server started in a worktree stops before the
 * worktree goes), one at a time. A cleanup that succeeds is removed; one that fails stays
 * registered so the exit hook still kills its process group. Never rejects: returns the failures.
 * Concurrent calls share one run.
 */
export function runCleanups(): Promise<Error[]> {
  running ??= (async () => {
    const failures: Error[] = [];
    for (const [id, entry] of [...entries].reverse()) {
      try {
        await entry.run();
        entries.delete(id);
        if (entries.size === 0) uninstallSignalHandlers();
      } catch (error) {
        failures.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return failures;
  })().finally(() => {
    running = undefined;
  });
  return running;
}

/** How many cleanups are registered; lets tests prove nothing leaks. */
export function pendingCleanups(): number {
  return entries.size;
}

// The signal handlers are there only while something is registered: with nothing to clean up,
// SIGINT and SIGTERM keep their default meaning for whoever hosts this code (a test runner too).
function installHandlers(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', exitSync);
  }
  if (!signalsInstalled) {
    signalsInstalled = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}

function uninstallSignalHandlers(): void {
  // During a signal's shutdown the handler stays, so a second Ctrl-C still means "now".
  if (!signalsInstalled || interrupted) return;
  signalsInstalled = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  const code = SIGNAL_EXIT_CODES[signal];
  if (interrupted) {
    // A second Ctrl-C means "now": the exit hook still SIGKILLs every registered group.
    process.exit(code);
  }
  interrupted = true;
  process.stderr.write(`perfgate: ${signal}, stopping servers and removing worktrees…\n`);
  setTimeout(() => process.exit(code), SIGNAL_CLEANUP_LIMIT_MS).unref();
  void runCleanups().then((failures) => {
    for (const failure of failures) process.stderr.write(`perfgate: cleanup: ${failure.message}\n`);
    process.exit(code);
  });
}

function exitSync(): void {
  for (const entry of [...entries.values()].reverse()) {
    if (entry.processGroup !== undefined) {
      try {
        process.kill(-entry.processGroup, 'SIGKILL');
      } catch {
        // Already gone (ESRCH) or not ours to kill (EPERM): nothing more can be done here.
      }
    }
    try {
      entry.onExit?.();
    } catch {
      // The process is exiting; a failed last resort must not hide the real exit reason.
    }
  }
}
