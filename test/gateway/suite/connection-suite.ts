import { EventName, SecType, type Contract, type ContractDetails } from '@stoqey/ib';
import { describe, expect, it } from 'vitest';
import { EXCHANGE_TIME_ZONE } from '../../../src/gateway/market/exchange-calendar.js';
import { errorFor, gather, stock, useFixture, waitFor, type Fixture } from '../harness.js';

async function contractDetails(f: Fixture, reqId: number, contract: Contract): Promise<ContractDetails[]> {
  const rows = await gather<[number, ContractDetails]>(
    f.client.api,
    EventName.contractDetails,
    EventName.contractDetailsEnd,
    () => {
      f.client.api.reqContractDetails(reqId, contract);
    },
    reqId,
  );
  return rows.map(([, details]) => details);
}

export function connectionSuite(maxVersion: number | undefined): void {
  describe('connection', () => {
    const f = useFixture(maxVersion);

    it('negotiates the highest common version and runs the start sequence', () => {
      expect(f.client.api.serverVersion).toBe(f.version);
      expect(f.client.nextValidId).toBe(1);
      expect(f.client.accounts).toEqual(['DU1234567']);
      expect(f.client.infos.map((i) => i.code)).toEqual([2104, 2106, 2158]);
      expect(f.client.infos[0]!.message).toBe('Market data farm connection is OK:usfarm');
    });

    it('answers reqCurrentTime with the replay time and reqIds with the next order id', async () => {
      const time = waitFor<[number]>(f.client.api, EventName.currentTime);
      f.client.api.reqCurrentTime();
      const [epochSeconds] = await time;
      expect(epochSeconds).toBe(Math.floor(EXCHANGE_TIME_ZONE.toEpoch(f.gateway.clock.now()) / 1000));
      // 2021-03-01 09:30 New York is 14:30 UTC.
      expect(epochSeconds).toBe(Date.UTC(2021, 2, 1, 14, 30) / 1000);
      const ids = waitFor<[number]>(f.client.api, EventName.nextValidId);
      f.client.api.reqIds();
      expect((await ids)[0]).toBe(1);
    });
  });

  describe('contract details', () => {
    const f = useFixture(maxVersion);

    it('describes a stock found by symbol, type, exchange and currency', async () => {
      const [aapl, ...more] = await contractDetails(f, 11, stock('AAPL'));
      expect(more).toEqual([]);
      expect(aapl!.contract.conId).toBe(265598);
      expect(aapl!.contract.symbol).toBe('AAPL');
      expect(aapl!.contract.secType).toBe('STK');
      expect(aapl!.contract.exchange).toBe('SMART');
      expect(aapl!.contract.primaryExch).toBe('NASDAQ');
      expect(aapl!.contract.currency).toBe('USD');
      expect(aapl!.minTick).toBe(0.01);
      expect(aapl!.longName).toBe('APPLE INC');
      expect(aapl!.industry).toBe('Technology');
      expect(aapl!.category).toBe('Computers');
      expect(aapl!.subcategory).toBe('Computers');
      expect(aapl!.timeZoneId).toBe('US/Eastern');
      expect(aapl!.liquidHours).toMatch(/^20210301:0930-20210301:1600;/);
      expect(aapl!.stockType).toBe('COMMON');
    });

    it('finds a stock by conId alone', async () => {
      const [msft] = await contractDetails(f, 12, { conId: 272093, exchange: 'SMART' });
      expect(msft!.contract.symbol).toBe('MSFT');
      expect(msft!.industry).toBe('Technology');
      expect(msft!.category).toBe('Software');
    });

    it('lists the VIX index backed by synthetic data', async () => {
      const [vix] = await contractDetails(f, 13, {
        symbol: 'VIX',
        secType: SecType.IND,
        exchange: 'CBOE',
        currency: 'USD',
      });
      expect(vix!.contract.conId).toBe(13455763);
      expect(vix!.contract.secType).toBe('IND');
      expect(vix!.longName).toBe('CBOE Volatility Index');
    });

    it('answers 200 for an unknown symbol and a mismatching security type', async () => {
      const unknown = await errorFor(f.client, 14, () => {
        f.client.api.reqContractDetails(14, stock('NOPE'));
      });
      expect(unknown).toEqual({ code: 200, message: 'No security definition has been found for the request' });
      const mismatch = await errorFor(f.client, 15, () => {
        f.client.api.reqContractDetails(15, { symbol: 'AAPL', secType: SecType.IND, exchange: 'SMART' });
      });
      expect(mismatch.code).toBe(200);
    });

    it('reports the market rule of the price increments', async () => {
      const rule = waitFor<[number, { lowEdge: number; increment: number }[]]>(f.client.api, EventName.marketRule);
      f.client.api.reqMarketRule(26);
      const [id, increments] = await rule;
      expect(id).toBe(26);
      expect(increments).toEqual([
        { lowEdge: 0, increment: 0.0001 },
        { lowEdge: 1, increment: 0.01 },
      ]);
    });
  });
}
