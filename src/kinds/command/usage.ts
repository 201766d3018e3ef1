// A command's user and system CPU time and peak memory, besides its wall time, as hyperfine and
// GNU time report them, without /usr/bin/time (often absent) and without Node's help (its
// child_process gives no resource usage):
//
// - CPU: the command runs in a subshell of a wrapping /bin/sh, which, once it has waited for
//   it, reads its own /proc/<pid>/stat. Its cutime and cstime hold the user and system time of
//   every process the command started and waited for (the kernel adds a child's times, its
//   waited-for children's included, to its parent's when the parent reaps it). They are in
//   clock ticks (USER_HZ, 100 a second on every Linux ABI), so a value is reported as the middle
//   of its tick: n ticks is (n + ½) × 10 ms, never 0.
// - Memory: every 25 ms, the peak resident set (VmHWM) of each process in the command's process
//   group; the largest one seen, as GNU time's maximum resident set size is the largest
//   process's. VmHWM is a process's peak so far, so a process is caught at its peak if it is
//   seen once; one that starts and ends between two looks is missed. The wrapping shell's own
//   peak is read last, so a command too short to be seen still has a value.
//
// Linux only (/proc); elsewhere the command kind reports its wall time alone.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { processGroupMembers } from '../../workspace/process-group.js';

export const USAGE_SUPPORTED = process.platform === 'linux' && existsSync('/proc/self/stat');

/** USER_HZ: /proc's CPU times are in hundredths of a second on every Linux ABI. */
const TICK_MS = 10;
const POLL_MS = 25;
const SAFE_PATH = /^[A-Za-z0-9/_.-]+$/;

/**
 * The command run in a subshell, then the shell's own stat and peak memory appended to `file`
 * (whose first line is the shell's pid, written first so the memory poll can find the group).
 * The command's exit status is the shell's; one killed by a signal kills the shell with it.
 */
export function withUsage(command: string, file: string): string {
  if (!SAFE_PATH.test(file)) throw new Error(`unsafe usage file path: ${file}`);
  return [
    `printf '%s\\n' "$$" > '${file}'`,
    '(',
    command,
    ')',
    '__perfgate_status=$?',
    `read -r __perfgate_stat < /proc/$$/stat && printf '%s\\n' "$__perfgate_stat" >> '${file}'`,
    `while read -r __perfgate_key __perfgate_value __perfgate_rest; do [ "$__perfgate_key" = VmHWM: ] && printf '%s\\n' "$__perfgate_value" >> '${file}'; done < /proc/$$/status`,
    'if [ "$__perfgate_status" -gt 128 ]; then kill -$((__perfgate_status - 128)) $$; fi',
    'exit $__perfgate_status',
  ].join('\n');
}

export interface Usage {
  userMs: number;
  systemMs: number;
  maxRssBytes: number;
}

/** The user and system CPU time in a /proc/<pid>/stat line: the shell's own and its children's. */
export function cpuFromStat(stat: string): { userMs: number; systemMs: number } {
  // Fields after the `(comm)`, which may hold spaces: state is field 3, utime 14, stime 15,
  // cutime 16, cstime 17 (proc(5)).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => {
    const value = Number(fields[n - 3]);
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`unexpected /proc stat line (field ${n}): ${stat.slice(0, 200)}`);
    }
    return value;
  };
  return {
    userMs: (field(14) + field(16) + 0.5) * TICK_MS,
    systemMs: (field(15) + field(17) + 0.5) * TICK_MS,
  };
}

/** VmHWM of one process in kB, or undefined once it is gone. */
function peakKb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watches the group of the shell that writes its pid first into `file` until `stop`; then
 * reads the shell's stat and peak from the file. Throws if the shell did not write them.
 */
export function watchUsage(file: string) {
  let pgid: number | undefined;
  let peak = 0;
  const look = () => {
    if (pgid === undefined) {
      try {
        const first = Number(readFileSync(file, 'utf8').split('\n', 1)[0]);
        if (Number.isInteger(first) && first > 0) pgid = first;
      } catch {
        return;
      }
    }
    if (pgid === undefined) return;
    for (const pid of processGroupMembers(pgid)) peak = Math.max(peak, peakKb(pid) ?? 0);
  };
  const timer = setInterval(look, POLL_MS);
  return {
    /** Stops watching; safe to call more than once. */
    cancel(): void {
      clearInterval(timer);
    },
    /** Stops watching and reads what the shell wrote. */
    async stop(): Promise<Usage> {
      clearInterval(timer);
      const lines = (await readFile(file, 'utf8')).split('\n');
      const [, stat, shellPeak] = lines;
      if (stat === undefined || shellPeak === undefined || !/^\d+$/.test(shellPeak)) {
        throw new Error(`the command's resource usage was not written: ${lines.join(' | ')}`);
      }
      return {
        ...cpuFromStat(stat),
        maxRssBytes: Math.max(peak, Number(shellPeak)) * 1024,
      };
    },
  };
}
