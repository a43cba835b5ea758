import type { ReportCollector } from './report-collector.js';
import type { FillRow, OrderRow } from './results-files.js';

/**
 * Orders and fills (each in time order) into a collector as one stream in time order, an order before a fill of the
 * same time: the order that a run produced them in, as far as the report can tell.
 */
export function feedRecords(collector: ReportCollector, orders: Iterable<OrderRow>, fills: Iterable<FillRow>): void {
  const orderIt = orders[Symbol.iterator]();
  const fillIt = fills[Symbol.iterator]();
  let order = orderIt.next();
  let fill = fillIt.next();
  while (!order.done || !fill.done) {
    if (!order.done && (fill.done || order.value.time <= fill.value.time)) {
      const o = order.value;
      collector.order(o.time, o.symbol, o.purpose, o.limitPrice, o.stopPrice);
      order = orderIt.next();
    } else if (!fill.done) {
      const f = fill.value;
      collector.fill(f.time, f.symbol, f.side, f.price, f.purpose);
      fill = fillIt.next();
    }
  }
}
