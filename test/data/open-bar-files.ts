import { readdirSync, readlinkSync } from 'node:fs';

/** The CSV files this process holds open (threads included). */
export function openBarFiles(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).endsWith('.csv');
    } catch {
      return false; // the directory's own descriptor, closed by now
    }
  }).length;
}

/** `read()` once it gives `expected`, or after 5 s what it gives then (a thread closes its files in its own time). */
export async function settled(read: () => number, expected: number): Promise<number> {
  for (let waited = 0; read() !== expected && waited < 5000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return read();
}
