import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/gateway/broker/broker-records.js';
import { matchesExecutionFilter } from '../../../src/gateway/broker/execution-filter.js';
import type { WireExecutionFilter } from '../../../src/gateway/protocol/wire-types.js';

const DAY = 24 * 3600 * 1000;
/** 2024-01-15 10:00:00 exchange time, as the gateway's clock reads it. */
const NOW = Date.UTC(2024, 0, 15, 10);
const TODAY = Date.UTC(2024, 0, 15);

const noFilter: WireExecutionFilter = {
  clientId: 0,
  account: '',
  time: '',
  symbol: '',
  secType: '',
  exchange: '',
  side: '',
};

function execution(time: number): ExecutionRecord {
  return {
    execId: `e${time}`,
    permId: 1,
    clientId: 1,
    orderId: 1,
    symbol: 'AAPL',
    side: 'BOT',
    shares: 1,
    price: 100,
    time,
    cumQty: 1,
    avgPrice: 100,
    commission: 1,
    realizedPnl: undefined,
    orderRef: '',
    exchange: 'NASDAQ',
  };
}

const matches = (time: number, filterTime: string): boolean =>
  matchesExecutionFilter(execution(time), { ...noFilter, time: filterTime }, 'DU1', TODAY, NOW);

describe('reqExecutions time filter', () => {
  it("without a time reports today's executions only", () => {
    expect(matches(TODAY + 1000, '')).toBe(true);
    expect(matches(TODAY - 1000, '')).toBe(false);
  });

  it('with a time reports executions at or after it', () => {
    expect(matches(NOW - 2 * DAY, '20240113 10:00:00')).toBe(true);
    expect(matches(NOW - 2 * DAY - 1000, '20240113 10:00:00')).toBe(false);
  });

  it('never reaches past the trade log of 7 days, however early the time asked for', () => {
    expect(matches(NOW - 7 * DAY, '20240101 00:00:00')).toBe(true);
    expect(matches(NOW - 7 * DAY - 1000, '20240101 00:00:00')).toBe(false);
  });
});
