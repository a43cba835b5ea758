import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/gateway.js';
import { connect, historical, startGateway, stock, type Client } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Memory the process holds on to: the JavaScript heap and the typed arrays' backing stores. */
function retained(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const MB = 1024 * 1024;

describe('five-second bar cache', () => {
  let gateway: Gateway | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    await client?.disconnect();
    await gateway?.stop();
  });

  it('stays within barCacheBytes after three years of hourly bars for several symbols', async () => {
    const symbols = ['AAPL', 'MSFT', 'SPY', 'QQQ'];
    gateway = await startGateway({ symbols, start: { sessionsBeforeEnd: 1 }, barCacheBytes: 16 * MB });
    client = await connect(gateway.port, 1);
    const before = retained();
    for (const [i, symbol] of symbols.entries()) {
      const bars = await historical(client, 100 + i, stock(symbol), '', '3 Y', '1 hour', 'TRADES', 1, 1);
      expect(bars.length).toBeGreaterThan(3 * 250 * 7);
    }
    const growth = retained() - before;
    console.info(
      `bar cache: ${(gateway.store.cachedBytes / MB).toFixed(1)} MB cached, retained growth ${(growth / MB).toFixed(1)} MB`,
    );
    expect(gateway.store.cachedBytes).toBeLessThanOrEqual(16 * MB);
    expect(gateway.store.cachedBytes).toBeGreaterThan(8 * MB);
    // Generous margin over the cache itself: the point is that three years are not kept (they were ~150 MB).
    expect(growth).toBeLessThan(16 * MB + 24 * MB);
  }, 180_000);

  it('defaults to 64 MB', async () => {
    gateway = await startGateway();
    expect(gateway.store.cacheLimitBytes).toBe(64 * MB);
  });
});
