import { IbClient } from '../../../src/adapters/ib/ib-client.js';
import { silentLogger } from '../../../src/logging/logger.js';

/** An IbClient for tests, on loopback, with the shipped message limit and a short connect timeout. */
export function testIbClient(port: number, clientId = 1, connectTimeoutMs = 3000): IbClient {
  return new IbClient({
    host: '127.0.0.1',
    port,
    clientId,
    connectTimeoutMs,
    maxMessagesPerSecond: 45,
    logger: silentLogger(),
  });
}
