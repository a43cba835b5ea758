import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureCpu, threadCpuSeconds } from '../../src/optimize/cpu-time.js';

describe.skipIf(!existsSync('/proc/thread-self/stat'))('thread CPU time', () => {
  it("counts this thread's CPU time, a part of the process's and no more than the wall time", () => {
    const span = measureCpu();
    const before = threadCpuSeconds()!;
    // Busy until this thread has used 50 ms of CPU (however long that takes on a shared machine).
    let x = 0;
    const deadline = performance.now() + 20_000;
    while (threadCpuSeconds()! - before < 0.05 && performance.now() < deadline) {
      for (let i = 0; i < 100_000; i++) x += Math.sqrt(i);
    }
    expect(x).toBeGreaterThan(0);
    const measured = span();
    expect(measured.threadSeconds!).toBeGreaterThanOrEqual(0.05);
    // /proc counts in 10 ms ticks, process.cpuUsage in microseconds: a tick of slack at either end.
    expect(measured.threadSeconds!).toBeLessThanOrEqual(measured.processSeconds + 0.02);
    expect(measured.threadSeconds!).toBeLessThanOrEqual(measured.wallSeconds + 0.02);
  });
});
