import { EventName, OrderAction, type Contract } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { errorFor, gather, HOUR, listen, MINUTE, settle, useFixture, waitFor, type Fixture } from '../harness.js';
import { cents, fillAtMarket, recordOrderEvents, type OrderEvent } from '../order-harness.js';

/** Places a market order, replays until it has filled and returns its average price. */
async function fill(
  f: Fixture,
  orderId: number,
  symbol: string,
  action: OrderAction,
  quantity: number,
): Promise<number> {
  const events = recordOrderEvents(f.client);
  await fillAtMarket(f, orderId, symbol, action, quantity, MINUTE);
  await settle(30);
  const execs = events.filter((e): e is Extract<OrderEvent, { kind: 'execDetails' }> => e.kind === 'execDetails');
  const value = execs.reduce((sum, e) => sum + e.execution.shares! * e.execution.price!, 0);
  return value / quantity;
}

async function summary(f: Fixture, reqId: number, tags: string): Promise<Map<string, [string, string]>> {
  const rows = await gather<[number, string, string, string, string]>(
    f.client.api,
    EventName.accountSummary,
    EventName.accountSummaryEnd,
    () => {
      f.client.api.reqAccountSummary(reqId, 'All', tags);
    },
    reqId,
  );
  return new Map(rows.map(([, , tag, value, currency]) => [tag, [value, currency]]));
}

export function accountSuite(maxVersion: number | undefined): void {
  describe('account', () => {
    const f = useFixture(maxVersion);

    it('sends account values, the portfolio and the download end on reqAccountUpdates', async () => {
      f.gateway.advance(HOUR);
      const price = await fill(f, 1, 'AAPL', OrderAction.BUY, 100);
      const values = new Map<string, string>();
      const portfolio: [Contract, number, number, number, number][] = [];
      f.client.api.on(EventName.updateAccountValue, (key: string, value: string, currency: string) => {
        values.set(`${key}/${currency}`, value);
      });
      listen(
        f.client.api,
        EventName.updatePortfolio,
        (contract: Contract, position: number, marketPrice: number, marketValue: number, averageCost: number) => {
          portfolio.push([contract, position, marketPrice, marketValue, averageCost]);
        },
      );
      const end = waitFor<[string]>(f.client.api, EventName.accountDownloadEnd);
      const time = waitFor<[string]>(f.client.api, EventName.updateAccountTime);
      f.client.api.reqAccountUpdates(true, 'DU1234567');
      expect((await end)[0]).toBe('DU1234567');
      expect((await time)[0]).toBe('10:31');
      const cash = cents(100_000 - 100 * price - 1);
      expect(values.get('TotalCashValue/USD')).toBe(cash.toFixed(2));
      expect(values.get('SettledCash/USD')).toBe(cash.toFixed(2));
      expect(values.get('AccountCode/')).toBe('DU1234567');
      const [contract, position, marketPrice, marketValue, averageCost] = portfolio[0]!;
      expect([contract.symbol, contract.conId, position]).toEqual(['AAPL', 265598, 100]);
      expect(averageCost).toBeCloseTo(price + 0.01, 10);
      expect(marketValue).toBe(cents(100 * marketPrice));
      const net = Number(values.get('NetLiquidation/USD'));
      expect(net).toBeCloseTo(cash + 100 * marketPrice, 2);
      expect(Number(values.get('BuyingPower/USD'))).toBeCloseTo((net - 0.25 * 100 * marketPrice) * 4, 2);
      // A later fill updates the portfolio line.
      portfolio.length = 0;
      await fill(f, 2, 'AAPL', OrderAction.SELL, 40);
      await settle(50);
      expect(portfolio.at(-1)![1]).toBe(60);
    });

    it('answers reqAccountSummary with the requested tags only, and settles sale proceeds T+1', async () => {
      f.gateway.advance(HOUR);
      const before = await summary(f, 51, 'NetLiquidation,TotalCashValue,SettledCash,BuyingPower,AvailableFunds');
      expect([...before.keys()].sort()).toEqual([
        'AvailableFunds',
        'BuyingPower',
        'NetLiquidation',
        'SettledCash',
        'TotalCashValue',
      ]);
      expect(before.get('NetLiquidation')).toEqual(['100000.00', 'USD']);
      expect(before.get('BuyingPower')).toEqual(['400000.00', 'USD']);
      await summary(f, 54, 'NetLiquidation');
      const third = await errorFor(f.client, 55, () => {
        f.client.api.reqAccountSummary(55, 'All', 'NetLiquidation');
      });
      expect(third.code).toBe(322);
      f.client.api.cancelAccountSummary(54);
      f.client.api.cancelAccountSummary(51);
      const bought = await fill(f, 1, 'MSFT', OrderAction.BUY, 100);
      const sold = await fill(f, 2, 'MSFT', OrderAction.SELL, 100);
      const sameDay = await summary(f, 52, 'TotalCashValue,SettledCash');
      f.client.api.cancelAccountSummary(52);
      const proceeds = 100 * sold - 1 - 100 * 0.000166 - 0.0000278 * 100 * sold;
      const total = 100_000 - (100 * bought + 1) + proceeds;
      expect(Number(sameDay.get('TotalCashValue')![0])).toBeCloseTo(total, 2);
      expect(Number(sameDay.get('SettledCash')![0])).toBeCloseTo(total - proceeds, 2);
      f.gateway.advance(24 * HOUR);
      const nextDay = await summary(f, 53, 'TotalCashValue,SettledCash');
      expect(nextDay.get('SettledCash')).toEqual(nextDay.get('TotalCashValue'));
    });

    it('lists positions on reqPositions and keeps sending changes until cancelPositions', async () => {
      f.gateway.advance(HOUR);
      const price = await fill(f, 1, 'SPY', OrderAction.BUY, 30);
      const positions: [string, Contract, number, number][] = [];
      listen(f.client.api, EventName.position, (account: string, contract: Contract, pos: number, avgCost: number) => {
        positions.push([account, contract, pos, avgCost]);
      });
      const end = waitFor(f.client.api, EventName.positionEnd);
      f.client.api.reqPositions();
      await end;
      expect(positions).toHaveLength(1);
      const [account, contract, pos, avgCost] = positions[0]!;
      expect([account, contract.symbol, contract.secType, pos]).toEqual(['DU1234567', 'SPY', 'STK', 30]);
      expect(avgCost).toBeCloseTo(price + 1 / 30, 10);
      await fill(f, 2, 'SPY', OrderAction.SELL, 30);
      await settle(50);
      expect(positions.at(-1)![2]).toBe(0);
      f.client.api.cancelPositions();
      await settle(50);
      const count = positions.length;
      await fill(f, 3, 'SPY', OrderAction.BUY, 5);
      await settle(50);
      expect(positions).toHaveLength(count);
    });

    it('serves reqAccountUpdatesMulti: the values, the end, changes after fills until cancelled', async () => {
      f.gateway.advance(HOUR);
      const api = f.client.api;
      type Row = [number, string, string, string, string, string];
      const rows: Row[] = [];
      listen(api, EventName.accountUpdateMulti, (...row: Row) => {
        rows.push(row);
      });
      // @stoqey/ib reads the end's request id as text.
      const end = waitFor(api, EventName.accountUpdateMultiEnd, (reqId: unknown) => Number(reqId) === 61);
      api.reqAccountUpdatesMulti(61, 'DU1234567', '', false);
      await end;
      const valueOf = (key: string, currency: string): string | undefined =>
        rows.findLast(([, , , k, , c]) => k === key && c === currency)?.[4];
      expect(rows.length).toBeGreaterThan(10);
      expect(
        rows.every(([reqId, account, modelCode]) => reqId === 61 && account === 'DU1234567' && modelCode === ''),
      ).toBe(true);
      expect(valueOf('NetLiquidation', 'USD')).toBe('100000.00');
      expect(valueOf('TotalCashValue', 'USD')).toBe('100000.00');
      expect(valueOf('AccountCode', '')).toBe('DU1234567');
      // A fill while subscribed: the values it changed follow, without another end.
      rows.length = 0;
      const price = await fill(f, 1, 'AAPL', OrderAction.BUY, 100);
      await settle(50);
      expect(valueOf('TotalCashValue', 'USD')).toBe(cents(100_000 - 100 * price - 1).toFixed(2));
      expect(valueOf('AccountCode', '')).toBeUndefined();
      api.cancelAccountUpdatesMulti(61);
      await settle(50);
      rows.length = 0;
      await fill(f, 2, 'AAPL', OrderAction.SELL, 100);
      await settle(50);
      expect(rows).toEqual([]);
      // Another account than the gateway's is refused for that request.
      const refused = await errorFor(f.client, 62, () => {
        api.reqAccountUpdatesMulti(62, 'U999', '', false);
      });
      expect(refused.code).toBe(321);
      // The light-weight variant (ledger and NLV) for the one account, named or not.
      rows.length = 0;
      const light = waitFor(api, EventName.accountUpdateMultiEnd, (reqId: unknown) => Number(reqId) === 63);
      api.reqAccountUpdatesMulti(63, '', '', true);
      await light;
      expect(new Set(rows.map(([, , , k]) => k))).toEqual(
        new Set([
          'CashBalance',
          'TotalCashBalance',
          'AccruedCash',
          'StockMarketValue',
          'NetLiquidationByCurrency',
          'UnrealizedPnL',
          'RealizedPnL',
          'NetLiquidation',
        ]),
      );
      expect(f.client.errors.filter((e) => e.reqId === 61 || e.reqId === 63)).toEqual([]);
    });

    it('serves reqPositionsMulti: the positions, the end, changes after fills until cancelled', async () => {
      f.gateway.advance(HOUR);
      const api = f.client.api;
      const price = await fill(f, 1, 'SPY', OrderAction.BUY, 30);
      type Row = [number, string, string, Contract, number, number];
      const rows: Row[] = [];
      listen(api, EventName.positionMulti, (...row: Row) => {
        rows.push(row);
      });
      const end = waitFor(api, EventName.positionMultiEnd, (reqId: number) => reqId === 71);
      api.reqPositionsMulti(71, 'DU1234567', '');
      await end;
      expect(rows).toHaveLength(1);
      const [reqId, account, modelCode, contract, pos, avgCost] = rows[0]!;
      expect([reqId, account, modelCode, contract.symbol, contract.secType, contract.conId, pos]).toEqual([
        71,
        'DU1234567',
        '',
        'SPY',
        'STK',
        756733,
        30,
      ]);
      expect(avgCost).toBeCloseTo(price + 1 / 30, 10);
      await fill(f, 2, 'SPY', OrderAction.SELL, 30);
      await settle(50);
      expect(rows.at(-1)![4]).toBe(0);
      api.cancelPositionsMulti(71);
      await settle(50);
      const count = rows.length;
      await fill(f, 3, 'SPY', OrderAction.BUY, 5);
      await settle(50);
      expect(rows).toHaveLength(count);
      expect(f.client.errors.filter((e) => e.reqId === 71)).toEqual([]);
    });
  });
}
