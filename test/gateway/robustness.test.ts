import { EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { Encoder } from '@stoqey/ib/dist/core/io/encoder.js';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect, startGateway, waitFor } from './harness.js';
import { RawClient } from './raw-client.js';

describe('protocol robustness', () => {
  let gateway: Gateway;

  beforeEach(async () => {
    gateway = await startGateway();
  });

  afterEach(async () => {
    await gateway.stop();
  });

  async function stillServes(): Promise<void> {
    const client = await connect(gateway.port, 77);
    const time = waitFor(client.api, EventName.currentTime);
    client.api.reqCurrentTime();
    await time;
    await client.disconnect();
  }

  it('drops a connection that does not speak the V100+ protocol', async () => {
    const raw = await RawClient.open(gateway.port);
    raw.raw(Buffer.from('GET / HTTP/1.1\r\n\r\n', 'latin1'));
    await raw.until(() => raw.closed);
    await stillServes();
  });

  it('answers a client without a common version with its own and closes', async () => {
    const raw = await RawClient.open(gateway.port);
    raw.hello('v100..150');
    await raw.until(() => raw.closed);
    expect(raw.messages[0]?.[0]).toBe('193');
    await stillServes();
  });

  it('answers an oversized frame with 320 and closes', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(5);
    raw.raw(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    await raw.until(() => raw.closed);
    expect(raw.errors().at(-1)?.slice(2, 4)).toEqual(['-1', '320']);
    await stillServes();
  });

  it('answers unknown and unreadable messages with an error and keeps the connection', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(5);
    raw.send(['250', '1', '2']);
    raw.send(['9', '8', 'abc']);
    raw.send(['3', '42', '0', 'AAPL']);
    raw.send(['49', '1']);
    await raw.until(() => raw.messages.some((m) => m[0] === '49'));
    const errors = raw
      .errors()
      .filter((m) => m[3] === '320')
      .map((m) => [m[2], m[3], m[4]]);
    expect(errors).toEqual([
      ['-1', '320', 'Error reading request: unknown message id 250'],
      ['-1', '320', 'Error reading request: ReqContractData: field 2 is "abc", expected an integer'],
      ['42', '320', 'Error reading request: PlaceOrder: message ended after 4 fields'],
    ]);
    expect(raw.closed).toBe(false);
    raw.close();
  });

  it('refuses START_API with a client id TWS cannot read or accept, and closes', async () => {
    for (const clientId of ['-5', '', '99999999999999999999', '0x10', '1.5', ' 7']) {
      const raw = await RawClient.open(gateway.port);
      raw.hello();
      await raw.until(() => raw.messages.length >= 1);
      raw.send(['71', '2', clientId, '']);
      await raw.until(() => raw.closed);
      expect(
        raw.messages.some((m) => m[0] === '9'),
        `clientId ${JSON.stringify(clientId)}`,
      ).toBe(false);
      const error = raw.errors().at(-1);
      expect(error?.[2]).toBe('-1');
      expect(error?.[3]).toBe(clientId === '-5' ? '321' : '320');
    }
    expect(gateway.clientCount).toBe(0);
    await stillServes();
  });

  it('reads numbers as strictly as IB: an order quantity of "0x10" is refused, not read as 16', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(8);
    const order = (quantity: string): string[] => {
      let fields: string[] = [];
      const encoder = new Encoder({
        serverVersion: 193,
        sendMsg: (...tokens: unknown[]) => {
          fields = tokens
            .flat(Infinity)
            .map((t) =>
              t === true ? '1' : t === false ? '0' : t === undefined || t === null ? '' : String(t as number | string),
            );
        },
        emitError: (message: string) => {
          throw new Error(message);
        },
      });
      encoder.placeOrder(
        42,
        { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' },
        { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 16, transmit: true, tif: 'DAY' },
      );
      expect(fields[17]).toBe('16');
      fields[17] = quantity;
      return fields;
    };
    raw.send(order('0x10'));
    raw.send(['49', '1']);
    await raw.until(() => raw.messages.some((m) => m[0] === '49'));
    expect(raw.messages.some((m) => m[0] === '5' || m[0] === '3')).toBe(false);
    const [error] = raw.errors().filter((m) => m[2] === '42');
    expect(error?.slice(3, 5)).toEqual([
      '320',
      'Error reading request: PlaceOrder: field 17 is "0x10", expected a decimal number',
    ]);
    // The same order with a quantity IB reads is accepted.
    raw.send(order('16'));
    await raw.until(() => raw.messages.some((m) => m[0] === '3' && m[1] === '42'));
    raw.close();
  });

  it('survives arbitrary frames after the handshake', async () => {
    const raw = await RawClient.open(gateway.port);
    await raw.start(6);
    const field = fc.oneof(
      fc.constantFrom('', '0', '1', '-1', '3', '20', 'AAPL', 'STK', 'SMART', 'USD', '1 day', '1e999'),
      fc.string({ maxLength: 8 }),
    );
    const frames = fc.sample(
      fc.tuple(
        fc.integer({ min: 1, max: 110 }),
        fc.array(
          field.map((s) => s.replaceAll('\0', '')),
          { maxLength: 30 },
        ),
      ),
      { numRuns: 40, seed: 11 },
    );
    for (const [id, fields] of frames) raw.send([String(id), ...fields]);
    raw.send(['49', '1']);
    await raw.until(() => raw.closed || raw.messages.some((m) => m[0] === '49'));
    raw.close();
    await stillServes();
  });
});
