/**
 * Moments at which the chaos test kills the trading process with SIGKILL, because a random kill almost never lands
 * in them: right after an order's reservation is committed and before its placeOrder is written (`reserved`),
 * right after placeOrder was written and before TWS acknowledged it (`sent`), and when an execution that leaves its
 * order partly filled has reached the process but not the journal (`partial-fill`). Armed only by the
 * ETS_CRASH_AT environment variable; a normal run has none.
 */
export type CrashPoint = 'reserved' | 'sent' | 'partial-fill';

const POINTS: readonly CrashPoint[] = ['reserved', 'sent', 'partial-fill'];

export function parseCrashPoint(text: string | undefined): CrashPoint | undefined {
  if (text === undefined || text === '') return undefined;
  const point = POINTS.find((p) => p === text);
  if (point === undefined) throw new RangeError(`ETS_CRASH_AT ${text}: expected ${POINTS.join(', ')}`);
  return point;
}

/** The hook the journal calls at each point: kills this process at the armed one. */
export function crashHook(armed: CrashPoint | undefined): ((point: CrashPoint) => void) | undefined {
  if (armed === undefined) return undefined;
  return (point) => {
    if (point === armed) process.kill(process.pid, 'SIGKILL');
  };
}
