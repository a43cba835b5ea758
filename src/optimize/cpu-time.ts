import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux builds). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds of the calling thread alone, from /proc/thread-self/stat (utime + stime); null where that file does
 * not exist (not Linux). Node's process.cpuUsage() counts every thread of the process, worker threads included.
 */
export function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds of the whole process: every thread, the worker pool's included. */
export function processCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface CpuSpan {
  readonly wallSeconds: number;
  readonly processSeconds: number;
  /** The calling (main) thread's share of processSeconds; null where it cannot be measured. */
  readonly threadSeconds: number | null;
}

/** Starts measuring; the function returned gives the wall and CPU time since. */
export function measureCpu(now: () => number = () => performance.now()): () => CpuSpan {
  const wall = now();
  const all = processCpuSeconds();
  const thread = threadCpuSeconds();
  return () => {
    const threadNow = threadCpuSeconds();
    return {
      wallSeconds: (now() - wall) / 1000,
      processSeconds: processCpuSeconds() - all,
      threadSeconds: thread === null || threadNow === null ? null : threadNow - thread,
    };
  };
}
