import { readFileSync } from 'node:fs';

/**
 * The process's peak resident memory in MB. Linux keeps getrusage's maxrss across exec, so a process started by a
 * large parent reports at least the parent's size there; the high-water mark of the process's own memory map
 * (VmHWM in /proc/self/status) starts afresh with the program. Elsewhere maxrss is what there is.
 */
export function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm !== null) return Math.round(Number(hwm[1]) / 1024);
  } catch {
    // no /proc: fall through
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
