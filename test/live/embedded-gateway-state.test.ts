import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { writeSampleData } from '../../src/data/write-sample-data.js';
import { formatTime } from '../../src/domain/time.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { EmbeddedGatewayError, startEmbeddedGateway } from '../../src/live/embedded-gateway.js';
import { silentLogger } from '../../src/logging/silent-logger.js';
import { useTempDir } from '../data/temp-dir.js';

describe('the embedded gateway with a state file', () => {
  const temp = useTempDir();

  it("continues the account from the state file's time, and refuses to start once its replay has passed the data", async () => {
    const data = join(temp.path(), 'data');
    writeSampleData(data);
    const stateFile = join(temp.path(), 'state.json');
    const config = validateConfig(
      { ibkr: { gateway: 'embedded', embedded: { data_directory: data, state_file: stateFile, speed: 1 } } },
      'test.yaml',
    );
    const first = await startEmbeddedGateway(config, silentLogger());
    const start = first.gateway.replayStart;
    await first.gateway.stop();
    // The default start (the data's second-to-last day) gives way to the time the state file saved.
    const again = await startEmbeddedGateway(config, silentLogger());
    expect(again.gateway.replayStart).toBeGreaterThanOrEqual(start);
    expect(again.gateway.replayStart).toBeLessThan(again.dataEnd);
    const dataEnd = again.dataEnd;
    await again.gateway.stop();
    // A run that replayed to the end of the data leaves its clock there.
    const past = await Gateway.start({
      port: 0,
      dataDir: data,
      stateFile,
      start: dataEnd - 60_000,
      clockMode: 'manual',
    });
    past.advance(10 * 60_000);
    await past.stop();
    const refused = startEmbeddedGateway(config, silentLogger());
    await expect(refused).rejects.toThrow(EmbeddedGatewayError);
    await expect(startEmbeddedGateway(config, silentLogger())).rejects.toThrow(
      `ibkr.embedded: the replay starts at ${formatTime(dataEnd + 540_000)} (where the state file ${stateFile} left the account), after the data in ${data} ends (${formatTime(dataEnd)}): nothing is left to trade`,
    );
  });
});
