import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStateFile, StateFileError } from '../../../src/gateway/broker/state-store.js';
import { useTempDir } from '../../data/temp-dir.js';

describe('the gateway state file', () => {
  const temp = useTempDir();
  const valid = {
    format: 1,
    clock: Date.UTC(2024, 9, 16, 10),
    broker: {
      nextPermId: 5,
      execSeq: 2,
      maxOrderIds: [],
      orders: [],
      trailStops: [],
      executions: [],
      account: { accountId: 'DU1234567', realizedDay: null },
    },
  };

  it('refuses a file of the right format that lacks a part a restart reads, naming it, and leaves it as it is', () => {
    const path = join(temp.path(), 'state.json');
    const cases: [unknown, string][] = [
      [{ format: 1, clock: 'x' }, 'clock is not a time in ms'],
      [{ ...valid, replayed: '10:00' }, 'replayed is not a time in ms'],
      [{ ...valid, broker: undefined }, 'broker is missing'],
      [{ ...valid, broker: { ...valid.broker, orders: {} } }, 'broker.orders is not a list'],
      [{ ...valid, broker: { ...valid.broker, account: undefined } }, 'broker.account is missing'],
    ];
    for (const [content, missing] of cases) {
      writeFileSync(path, JSON.stringify(content));
      const before = readFileSync(path, 'utf8');
      expect(() => loadStateFile(path)).toThrow(StateFileError);
      expect(() => loadStateFile(path)).toThrow(`the state file ${path} is damaged: ${missing}; left as it is`);
      expect(readFileSync(path, 'utf8')).toBe(before);
    }
    writeFileSync(path, JSON.stringify(valid));
    expect(loadStateFile(path)?.broker.account.realizedDay).toBeNaN();
  });

  it("takes the five-second boundary at or before a file's clock as delivered when the file does not say", () => {
    const path = join(temp.path(), 'state.json');
    // Files of earlier versions saved only the clock, which a running replay had reached (and its boundary with it).
    writeFileSync(path, JSON.stringify({ ...valid, clock: valid.clock + 3_700 }));
    expect(loadStateFile(path)?.replayed).toBe(valid.clock);
    writeFileSync(path, JSON.stringify({ ...valid, clock: valid.clock + 3_700, replayed: valid.clock - 5_000 }));
    expect(loadStateFile(path)?.replayed).toBe(valid.clock - 5_000);
  });
});
