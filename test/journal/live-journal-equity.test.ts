import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../support/run-cli.js';
import { readCsv, startLive, writeConfig, type LiveWork } from '../live/live-fixture.js';
import {
  scenarioWork,
  startSteppedGateway,
  stepFiveMinuteBars,
  steppedConfig,
  until,
  writeFlatBars,
} from '../live/stepped-replay.js';

const FIRST = '2024-03-05 09:30:00';
/** SMA 2/3 crosses up on the sixth bar and down on the eleventh: an entry and an exit, each filling after a bar. */
const AAA = [50, 49, 48, 47, 47, 49, 50, 50.5, 51, 51.5, 50, 49, 48, 47, 46];

/** A CSV's rows as arrays of cells, header left out. */
function rows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

/**
 * Live, a fill comes between two bars: the journal's row for the bar before it must be the account at that bar's
 * close, as equity.csv has it (its time and values), not the account after the fill stamped with the bar's start.
 */
describe('the live journal’s equity rows', () => {
  let work: LiveWork;
  beforeAll(() => {
    work = scenarioWork();
    writeFlatBars(work.sample, 'AAA', FIRST, AAA);
  });
  afterAll(() => {
    work.cleanup();
  });

  it('are equity.csv’s rows, fills after their bar', { timeout: 60_000 }, async () => {
    const gateway = await startSteppedGateway(work.sample, FIRST);
    try {
      const config = steppedConfig(
        work,
        gateway.port,
        { symbols: ['AAA'], trading: {}, sizing: 'fixed:100' },
        work.results,
      );
      const configFile = writeConfig(work, config, 'equity.yaml');
      const session = startLive(work, config, ['--until', '2024-03-05 10:45']);
      await until(() => gateway.realtimeStreams === 1, 30_000, 'the session subscribing its bars');
      await stepFiveMinuteBars(gateway, FIRST, AAA.length);
      const run = await session.done;
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);

      const fills = readCsv(join(work.results, 'fills.csv'));
      expect(fills.map((f) => f.side)).toEqual(['BUY', 'SELL']);
      const journal = await runCliAsync(['journal', 'equity', '-c', configFile, '--format', 'csv'], work.dir);
      expect(journal.status, journal.stderr).toBe(0);
      const journaled = rows(journal.stdout).map(([time, equity, cash, value]) => [time, equity, cash, value]);
      const equityCsv = readCsv(join(work.results, 'equity.csv')).map((r) => [
        r.time,
        r.equity,
        r.cash,
        r.positions_value,
      ]);
      // Every bar's row and every fill's, then the session's end.
      expect(journaled.slice(0, -1)).toEqual(equityCsv);
      expect(journaled.at(-1)![0]).toBe('2024-03-05 10:45:00');
      // The entry filled after the bar of its signal: that bar's row has no position yet.
      const entry = fills[0]!.time!;
      const before = journaled.filter(([time]) => time! < entry).at(-1)!;
      expect(before[3]).toBe('0');
    } finally {
      await gateway.stop();
    }
  });
});
