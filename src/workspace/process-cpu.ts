// The CPU time a process tree spends, from /proc (Linux): the server's share of a load round, so
// that "more work per request" shows apart from latency, which queueing inflates.
//
// What was checked on Linux 6.18 (2 cores, Node 20): /proc/<pid>/schedstat is the main thread
// only (a node process with a worker burning 1 s showed 0.27 s there, 0.95 s summed over
// /proc/<pid>/task/*/schedstat), so every thread is read on its own. The first field of a
// schedstat is the task's run time in ns (sum_exec_runtime); /proc/<pid>/stat has utime + stime
// in clock ticks (10 ms), the fallback for kernels built without schedstat. There is no
// /proc/<pid>/task/<tid>/children here (CONFIG_PROC_CHILDREN is often off), so the tree is found
// by the parent pid of every process: a walk reads every process's stat, about 6 ms of CPU for
// 150 processes on that machine (measured under heavy load), twice per round, in perfgate's own
// process and so outside the tree it measures.
//
// What is missed: a thread or process that exits between two readings takes its time since the
// first one with it (the parent's cutime counts only reaped children, in ticks, and a thread's
// time folds into its process's stat only); a daemon that double-forks out of the tree
// (reparented to init) is not a descendant any more. Long-lived servers (a node process and its
// threads, a cluster's workers) lose nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Where run time is read: ns from schedstat, or clock ticks from stat. */
export type CpuSource = 'schedstat' | 'stat';

export class ProcessCpuError extends Error {
  override name = 'ProcessCpuError';
  constructor(
    message: string,
    readonly pid: number,
  ) {
    super(message);
  }
}

let source: CpuSource | null | undefined;

/** What this machine offers, checked once on this process's own thread; undefined without /proc. */
export function cpuSource(): CpuSource | undefined {
  if (source === undefined) {
    source = readable(`/proc/self/task/${process.pid}/schedstat`)
      ? 'schedstat'
      : readable(`/proc/self/task/${process.pid}/stat`)
        ? 'stat'
        : null;
  }
  return source ?? undefined;
}

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

let nsPerTick: number | undefined;

/** USER_HZ: 100 on every mainstream architecture; getconf says so where it differs. */
function tickNs(): number {
  if (nsPerTick === undefined) {
    let hz = 100;
    try {
      const out = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      if (Number.isInteger(out) && out > 0) hz = out;
    } catch {
      // No getconf: keep the usual 100.
    }
    nsPerTick = 1e9 / hz;
  }
  return nsPerTick;
}

/** The fields of a stat line after `(comm)`, which may itself hold spaces and parentheses;
 *  fields[0] is field 3 (state) of proc(5), so field k is fields[k − 3]. */
function statFields(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** `root` and its live descendants, root first. Throws ProcessCpuError when root is gone or
 *  /proc cannot be read; every error of this module about the system is one. */
export function processTree(root: number): number[] {
  if (!Number.isInteger(root) || root <= 0) {
    throw new RangeError(`root pid must be a positive integer, got ${String(root)}`);
  }
  const children = new Map<number, number[]>();
  let rootSeen = false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch (err) {
    throw new ProcessCpuError(
      `cannot list the processes under /proc (${(err as Error).message}) to find process ${root}'s tree`,
      root,
    );
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited since the listing
    }
    if (pid === root) rootSeen = true;
    const ppid = Number(statFields(text)[1]);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  if (!rootSeen) {
    throw new ProcessCpuError(`process ${root} is not running (no /proc/${root}/stat)`, root);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** Run time so far of each thread of a tree, in ns, keyed by thread id (unique among live
 *  tasks system-wide). */
export interface CpuSnapshot {
  source: CpuSource;
  tasks: Map<number, number>;
}

function taskNs(pid: number, tid: number, from: CpuSource): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${tid}/${from}`, 'utf8');
  } catch {
    return undefined; // the thread ended since the listing
  }
  if (from === 'schedstat') return Number(text.slice(0, text.indexOf(' ')));
  const f = statFields(text);
  // utime and stime are fields 14 and 15.
  return (Number(f[11]) + Number(f[12])) * tickNs();
}

/** The run time of every thread of `root`'s tree now. Throws ProcessCpuError when root is gone
 *  or /proc offers no run time at all. */
export function treeCpuSnapshot(
  root: number,
  from: CpuSource | undefined = cpuSource(),
): CpuSnapshot {
  if (from === undefined) {
    throw new ProcessCpuError(
      `cannot read the CPU time of process ${root}: no /proc/<pid>/task/<tid>/schedstat or stat on this system (${process.platform})`,
      root,
    );
  }
  const tasks = new Map<number, number>();
  for (const pid of processTree(root)) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited since the walk
    }
    for (const entry of tids) {
      const tid = Number(entry);
      const ns = taskNs(pid, tid, from);
      if (ns !== undefined && Number.isFinite(ns)) tasks.set(tid, ns);
    }
  }
  if (tasks.size === 0) {
    throw new ProcessCpuError(`process ${root} ended while its CPU time was read`, root);
  }
  return { source: from, tasks };
}

/**
 * CPU time the tree spent between two snapshots, in ns: per thread, so a thread that ended in
 * between takes only its own time away (a sum of totals could even go down). A thread that is
 * new in `after` counts whole; one whose time went down is a new thread under a reused id, and
 * counts whole too.
 */
export function cpuSpentNs(before: CpuSnapshot, after: CpuSnapshot): number {
  if (before.source !== after.source) {
    throw new RangeError(
      `snapshots must come from the same source, got ${before.source} and ${after.source}`,
    );
  }
  let spent = 0;
  for (const [tid, ns] of after.tasks) {
    const was = before.tasks.get(tid);
    spent += was === undefined || was > ns ? ns : ns - was;
  }
  return spent;
}

/** Starts counting the CPU time of `root`'s tree; the function returned reads the ns spent
 *  since. Both read /proc synchronously, so the interval is exactly the caller's. */
export function startTreeCpu(
  root: number,
  from: CpuSource | undefined = cpuSource(),
): () => number {
  const before = treeCpuSnapshot(root, from);
  return () => cpuSpentNs(before, treeCpuSnapshot(root, before.source));
}
