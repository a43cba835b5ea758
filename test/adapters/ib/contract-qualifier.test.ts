import { EventName, SecType, type ContractDetails } from '@stoqey/ib';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractQualificationError, ContractQualifier } from '../../../src/adapters/ib/contract-qualifier.js';
import type { IbClient } from '../../../src/adapters/ib/ib-client.js';
import { testIbClient } from './test-ib-client.js';
import { Gateway } from '../../../src/gateway/gateway.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { FakeIbClient } from './fake-ib-client.js';

const USD_SMART = { exchange: 'SMART', currency: 'USD' };

async function failure(promise: Promise<unknown>): Promise<ContractQualificationError> {
  const error: unknown = await promise.then(
    () => new Error('qualified'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractQualificationError);
  return error as ContractQualificationError;
}

describe('ContractQualifier against the embedded gateway', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function connected(): Promise<{ gateway: Gateway; client: IbClient }> {
    const gateway = await Gateway.start({
      port: 0,
      clockMode: 'manual',
      start: '2021-03-01 09:30:00',
      seed: 7,
      symbols: ['AAPL', 'ORCL', 'SPY', 'SYNA'],
    });
    cleanup.push(() => gateway.stop());
    const client = testIbClient(gateway.port);
    cleanup.push(() => {
      client.disconnect();
    });
    await client.connect();
    return { gateway, client };
  }

  it('reports conId, listing, tick, names, sector fields and sessions as the gateway lists them', async () => {
    const { gateway, client } = await connected();
    const contracts = await new ContractQualifier(client, silentLogger()).qualify(
      ['aapl', 'ORCL', ' SPY', 'SYNA'],
      USD_SMART,
    );
    expect([...contracts.keys()]).toEqual(['AAPL', 'ORCL', 'SPY', 'SYNA']);
    for (const [symbol, qualified] of contracts) {
      const listed = gateway.registry.bySymbolName(symbol)!;
      expect(qualified).toMatchObject({
        symbol,
        conId: listed.conId,
        exchange: 'SMART',
        primaryExchange: listed.primaryExchange,
        currency: 'USD',
        minTick: listed.minTick,
        longName: listed.longName,
        industry: listed.industry,
        category: listed.category,
        subcategory: listed.subcategory,
        timeZoneId: 'US/Eastern',
      });
      expect(qualified.contract).toEqual({
        conId: listed.conId,
        symbol,
        secType: SecType.STK,
        exchange: 'SMART',
        primaryExch: listed.primaryExchange,
        currency: 'USD',
      });
      expect(qualified.liquidHours).toMatch(/^\d{8}:(0930-\d{8}:1600|CLOSED)(;|$)/);
    }
    expect(contracts.get('AAPL')).toMatchObject({ conId: 265598, primaryExchange: 'NASDAQ', industry: 'Technology' });
    expect(contracts.get('ORCL')).toMatchObject({ conId: 272800, primaryExchange: 'NYSE', category: 'Software' });
    expect(contracts.get('SPY')).toMatchObject({ primaryExchange: 'ARCA', industry: 'Funds' });
    expect(contracts.get('SYNA')).toMatchObject({ primaryExchange: 'NASDAQ', industry: 'Unclassified' });
  });

  it('names every unknown symbol in one message', async () => {
    const { client } = await connected();
    const error = await failure(
      new ContractQualifier(client, silentLogger()).qualify(['AAPL', 'NOPE', 'ZZZZ'], USD_SMART),
    );
    expect(error.message).toBe(
      'cannot qualify 2 of 3 symbols: NOPE: IB has no stock NOPE in USD on SMART (200); ' +
        'ZZZZ: IB has no stock ZZZZ in USD on SMART (200)',
    );
    expect(error.badSymbolsOnly).toBe(true);
    expect(error.failures.map((f) => [f.symbol, f.kind])).toEqual([
      ['NOPE', 'unknown'],
      ['ZZZZ', 'unknown'],
    ]);
  });

  it('answers again from its cache, even without a connection', async () => {
    const { client } = await connected();
    const qualifier = new ContractQualifier(client, silentLogger());
    const first = await qualifier.qualify(['AAPL', 'SPY'], USD_SMART);
    client.disconnect();
    const again = await qualifier.qualify(['SPY', 'AAPL'], USD_SMART);
    expect(again.get('AAPL')).toBe(first.get('AAPL'));
    const error = await failure(qualifier.qualify(['ORCL'], USD_SMART));
    expect(error.message).toBe('cannot qualify 1 of 1 symbol: ORCL: not connected to TWS / IB Gateway');
    expect(error.badSymbolsOnly).toBe(false);
  });

  it('gives up on a symbol whose details do not come in time', async () => {
    const { gateway, client } = await connected();
    gateway.faults.delayResponses(1500);
    const error = await failure(
      new ContractQualifier(client, silentLogger(), { timeoutMs: 200 }).qualify(['AAPL'], USD_SMART),
    );
    expect(error.message).toBe('cannot qualify 1 of 1 symbol: AAPL: no contract details within 0.2 s');
    expect(error.failures[0]!.kind).toBe('timeout');
  });
});

/** Contract details as TWS sends them, reduced to what qualification reads. */
function details(conId: number, primaryExch: string): ContractDetails {
  return {
    contract: { conId, symbol: 'DUAL', secType: SecType.STK, exchange: 'SMART', primaryExch, currency: 'USD' },
    minTick: 0.01,
    longName: `DUAL ON ${primaryExch}`,
    industry: 'Industrial',
    category: 'Machinery',
    subcategory: 'Machinery-General',
    timeZoneId: 'US/Eastern',
  };
}

describe('ContractQualifier with several contracts for one symbol (recorded sequences)', () => {
  async function qualifyWith(...listings: ContractDetails[]): Promise<unknown> {
    const fake = new FakeIbClient();
    const warnings: unknown[] = [];
    const logger = silentLogger();
    logger.warn = (...args: unknown[]) => {
      warnings.push(args);
    };
    const result = new ContractQualifier(fake.client, logger).qualify(['DUAL'], USD_SMART);
    const reqId = fake.lastRequestId('reqContractDetails');
    for (const d of listings) fake.emit(EventName.contractDetails, reqId, d);
    fake.emit(EventName.contractDetailsEnd, reqId);
    return result.then(
      (contracts) => ({ contract: contracts.get('DUAL'), warnings }),
      (e: unknown) => e,
    );
  }

  it('takes the one US primary listing and logs the choice', async () => {
    const outcome = (await qualifyWith(details(11, 'VENTURE'), details(22, 'NYSE'))) as {
      contract: { conId: number; primaryExchange: string };
      warnings: unknown[];
    };
    expect(outcome.contract).toMatchObject({ conId: 22, primaryExchange: 'NYSE' });
    expect(outcome.warnings).toHaveLength(1);
  });

  it('refuses to guess between two US listings', async () => {
    const error = await qualifyWith(details(11, 'NASDAQ'), details(22, 'NYSE'));
    expect(error).toBeInstanceOf(ContractQualificationError);
    expect((error as Error).message).toBe(
      'cannot qualify 1 of 1 symbol: DUAL: ambiguous, 2 stocks (conId 11 on NASDAQ, conId 22 on NYSE) and several ' +
        'listed on a US primary exchange',
    );
  });

  it('treats an empty answer as an unknown symbol', async () => {
    const error = await qualifyWith();
    expect((error as ContractQualificationError).failures[0]!.kind).toBe('unknown');
  });
});
