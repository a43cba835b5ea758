/**
 * The candle thread (see CandleReloadThread): answers each request as it comes (see candleResponder), one symbol at
 * a time in the order asked.
 */
import { workerData } from 'node:worker_threads';
import type { CandleReloadData, CandleRequest } from './candle-reload-protocol.js';
import { candleResponder } from './candle-responder.js';

const data = workerData as CandleReloadData;
const answer = candleResponder(data);
data.port.on('message', (request: CandleRequest) => {
  answer(request);
});
