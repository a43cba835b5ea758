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
import { RISK_EVENTS_HEADER, riskEventRow, writeRiskEventsCsv } from '../../src/performance/risk-events-csv.js';
import type { RiskEvent } from '../../src/risk/risk-events.js';

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

const figure = fc.oneof(money, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1e21, -0));
const reason = fc.oneof(
  fc.constantFrom('daily loss 2.10% reached 2%', 'sector "tech", above 60%', '', 'a\nb', 'über 3 %', 'x'.repeat(1_500)),
  fc.string({ unit: 'binary', maxLength: 150 }),
);
const state = fc.constantFrom(...(['ACTIVE', 'REDUCING', 'HALTED'] as const));
const riskEvent: fc.Arbitrary<RiskEvent> = fc.oneof(
  fc.record({
    type: fc.constant('risk_rejected' as const),
    time,
    rule: fc.constantFrom('max_positions', 'trading_state'),
    symbol,
    side: fc.constantFrom('BUY', 'SELL'),
    quantity: fc.oneof(fc.constant(0), positive),
    value: figure,
    limit: figure,
    reason,
  }),
  fc.record({
    type: fc.constant('trading_state' as const),
    time,
    from: state,
    to: state,
    rule: fc.constant('drawdown'),
    value: figure,
    limit: figure,
    reason,
  }),
  fc.record({
    type: fc.constant('risk_notice' as const),
    time,
    rule: fc.constant('stale_data'),
    value: figure,
    limit: figure,
    reason,
  }),
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
      fc.property(
        fc.array(trade),
        fc.array(fill),
        fc.array(order),
        fc.array(riskEvent),
        (trades, fills, orders, risk) => {
          const at = (name: string) => join(dir, `${run}-${name}`);
          run++;
          const streamed = {
            trades: at('trades.csv'),
            fills: at('fills.csv'),
            orders: at('orders.csv'),
            riskEvents: at('risk_events.csv'),
          };
          const writer = new RecordCsvWriter(streamed);
          for (const t of trades) writer.trade(t);
          for (const f of fills) writer.fill(f);
          for (const o of orders) writer.order(o);
          for (const e of risk) writer.riskEvent(e);
          writer.close();
          writeRiskEventsCsv(at('batch-risk_events.csv'), risk);
          expect(readFileSync(streamed.riskEvents, 'utf8')).toBe(readFileSync(at('batch-risk_events.csv'), 'utf8'));
          // the rows the report reads back from a live session's records are the same text
          const riskLines = [RISK_EVENTS_HEADER, ...risk.map(riskEventRow)];
          expect(readFileSync(streamed.riskEvents, 'utf8')).toBe(`${riskLines.join('\n')}\n`);
          writeTradesCsv(at('batch-trades.csv'), trades);
          writeFillsCsv(at('batch-fills.csv'), fills);
          writeOrdersCsv(at('batch-orders.csv'), orders);
          expect(readFileSync(streamed.trades, 'utf8')).toBe(readFileSync(at('batch-trades.csv'), 'utf8'));
          expect(readFileSync(streamed.fills, 'utf8')).toBe(readFileSync(at('batch-fills.csv'), 'utf8'));
          // the live session's line-at-a-time rows are the same text
          const lines = [ORDERS_HEADER, ...orders.flatMap((o) => orderRows(o))];
          expect(readFileSync(streamed.orders, 'utf8')).toBe(`${lines.join('\n')}\n`);
          expect(readFileSync(at('batch-orders.csv'), 'utf8')).toBe(`${lines.join('\n')}\n`);
        },
      ),
      { numRuns: 60 },
    );
  });
});
