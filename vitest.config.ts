import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most of the suite's time is spent waiting on sockets and replays (live sessions against the embedded gateway
    // use about half a core), so two files run at once even on two cores, where vitest's default would run one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
