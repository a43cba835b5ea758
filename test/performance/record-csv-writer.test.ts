import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/domain/events.js';
import type { Fill } from '../../src/domain/fill.js';
import type { OrderRequest } from '../../src/domain/order.js';
import type { TradeRecord } from '../../src/portfolio/trade-record.js';
import { RecordCsvWriter } from '../../src/performance/record-csv-writer.js';
import { writeFillsCsv, writeOrdersCsv, writeTradesCsv } from '../../src/performance/report-writer.js';
import { ORDERS_HEADER, orderRows } from '../../src/performance/report-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'records-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const time = fc.integer({ min: 0, max: 2_000_000 }).map((minutes) => Date.UTC(2000, 0, 3) + minutes * 60_000);
const money = fc.double({ min: -1e9, max: 1e9, noNaN: true });
const positive = fc.double({ min: 0.0001, max: 1e7, noNaN: true });
const symbol = fc.constantFrom('SPY', 'BRK.B', 'A,B', 'Q"T');

const fill: fc.Arbitrary<Fill> = fc.record({
  orderId: fc.nat(),
  execId: fc.constantFrom('sim-1', 'E,2', 'x"y'),
  symbol,
  side: fc.constantFrom('BUY', 'SELL'),
  quantity: positive,
  price: positive,
  commission: money,
  time,
  purpose: fc.constantFrom('entry', 'exit', 'stop_loss', 'take_profit'),
});

const trade: fc.Arbitrary<TradeRecord> = fc.record({
  symbol,
  entryTime: time,
  entryPrice: positive,
  exitTime: time,
  exitPrice: positive,
  quantity: money,
  pnl: money,
  commission: money,
});

const request: fc.Arbitrary<OrderRequest> = fc.record(
  {
    id: fc.nat(),
    symbol,
    side: fc.constantFrom('BUY', 'SELL'),
    quantity: positive,
    type: fc.constantFrom('MKT', 'LMT', 'STP', 'STP LMT', 'TRAIL'),
    limitPrice: positive,
    stopPrice: positive,
    trailAmount: positive,
    tif: fc.constantFrom('DAY', 'GTC'),
    parentId: fc.nat(),
    purpose: fc.constantFrom('entry', 'exit', 'stop_loss', 'take_profit'),
    strategyId: fc.constantFrom('sma_crossover', 'a,b'),
    createdAt: time,
  },
  { requiredKeys: ['id', 'symbol', 'side', 'quantity', 'type', 'tif', 'purpose', 'createdAt'] },
);

const order: fc.Arbitrary<OrderEvent> = fc.record({
  type: fc.constant('order'),
  time,
  order: request,
  children: fc.array(request, { maxLength: 2 }),
});

describe('RecordCsvWriter', () => {
  it('streams the bytes the batch writers write', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(trade), fc.array(fill), fc.array(order), (trades, fills, orders) => {
        const at = (name: string) => join(dir, `${run}-${name}`);
        run++;
        const streamed = { trades: at('trades.csv'), fills: at('fills.csv'), orders: at('orders.csv') };
        const writer = new RecordCsvWriter(streamed);
        for (const t of trades) writer.trade(t);
        for (const f of fills) writer.fill(f);
        for (const o of orders) writer.order(o);
        writer.close();
        writeTradesCsv(at('batch-trades.csv'), trades);
        writeFillsCsv(at('batch-fills.csv'), fills);
        writeOrdersCsv(at('batch-orders.csv'), orders);
        expect(readFileSync(streamed.trades, 'utf8')).toBe(readFileSync(at('batch-trades.csv'), 'utf8'));
        expect(readFileSync(streamed.fills, 'utf8')).toBe(readFileSync(at('batch-fills.csv'), 'utf8'));
        // the live session's line-at-a-time rows are the same text
        const lines = [ORDERS_HEADER, ...orders.flatMap((o) => orderRows(o))];
        expect(readFileSync(streamed.orders, 'utf8')).toBe(`${lines.join('\n')}\n`);
        expect(readFileSync(at('batch-orders.csv'), 'utf8')).toBe(`${lines.join('\n')}\n`);
      }),
      { numRuns: 60 },
    );
  });
});
