/**
 * The merging thread's entry (see MergedBarsThread): the merge (runMergingThread) and, in its idle time, the report's
 * candles of the symbols the run trades, asked for over the thread's idle channel (see MergedFeed.candlesAhead) and
 * answered as the candle thread would (candleResponder). In the run of hundreds of files this thread waits for room
 * in the ring for much of the run's first half, when most symbols first trade: the candles cost no thread of their
 * own (its start, its compiled code, its heap) there.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import { threadData } from '../core/thread-data.js';
import { runMergingThread } from '../data/merge-into-ring.js';
import type { MergedBarsData } from '../data/merged-bars-protocol.js';
import { REQUESTED, type CandleRequest } from '../report/candle-reload-protocol.js';
import { candleResponder } from '../report/candle-responder.js';

const data = threadData() as MergedBarsData;
const { start, end, skipBadRows = false } = data.options;
const answer = candleResponder({
  ...data.idle,
  ...(start !== undefined && { start }),
  ...(end !== undefined && { end }),
  skipBadRows,
});
const control = new Int32Array(data.idle.control);
/** Requests counted before the port was last found empty: a request posted since has counted one more. */
let requested = 0;

runMergingThread(data, {
  step() {
    requested = Atomics.load(control, REQUESTED);
    const received = receiveMessageOnPort(data.idle.port);
    if (received === undefined) return false;
    answer(received.message as CandleRequest);
    return true;
  },
  sleep(ms) {
    Atomics.wait(control, REQUESTED, requested, ms);
  },
});
