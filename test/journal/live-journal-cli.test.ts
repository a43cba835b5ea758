import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../src/domain/fill.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { SCHEMA_VERSION } from '../../src/journal/schema.js';
import { TradingJournal } from '../../src/journal/trading-journal.js';
import { liveConfig, liveWork, runLive, type LiveWork } from '../live/live-fixture.js';

describe('ets live with a journal it cannot use', () => {
  let work: LiveWork;
  beforeEach(() => {
    work = liveWork();
  });
  afterEach(() => {
    work.cleanup();
  });

  // Nothing listens on the port: the journal is checked before the session connects.
  const config = () => liveConfig(work, { ibkr: { port: 1 }, live: { journal_file: join(work.dir, 'j.sqlite') } });

  it('refuses a file that is not a journal, in one line, and leaves it alone', async () => {
    const file = join(work.dir, 'j.sqlite');
    writeFileSync(file, 'a spreadsheet, perhaps\n');
    const run = await runLive(work, config());
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: the journal ${file} is not an SQLite database: left as it is\n`);
    expect(readFileSync(file, 'utf8')).toBe('a spreadsheet, perhaps\n');
  });

  it('refuses a journal of a newer schema and leaves it alone', async () => {
    const file = join(work.dir, 'j.sqlite');
    TradingJournal.open(file, 'DU1234567').close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file);
    const run = await runLive(work, config());
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^error: the journal .* has schema version \d+, newer than this program's \d+: use the newer version/,
    );
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a journal that continues sessions whose results are elsewhere, before it connects', async () => {
    const file = join(work.dir, 'j.sqlite');
    const earlier = TradingJournal.open(file, 'DU1234567');
    earlier.startSession({ mode: 'live', version: '0.1.0', configHash: 'abc', strategy: 'sma_crossover' });
    const T0 = Date.UTC(2024, 9, 16, 14, 0);
    const entry = { id: 1, symbol: 'SYNA', side: 'BUY', quantity: 10, type: 'MKT', tif: 'DAY', purpose: 'entry' };
    earlier.reserve({ type: 'order', time: T0, order: { ...entry, createdAt: T0 } as OrderRequest, children: [] });
    const fill: Fill = { ...entry, execId: 'e1', orderId: 1, price: 100, commission: 1, time: T0 } as Fill;
    const held = { symbol: 'SYNA', quantity: 10, averageCost: 100, lastPrice: 100, openedAt: T0, entryCommission: 1 };
    earlier.fill(fill, held, 98_999, 98_999);
    earlier.close();
    const before = readFileSync(file);
    const run = await runLive(work, config());
    expect(run.stderr).toBe(
      `error: ${file}: the journal continues earlier sessions (1 execution) whose results are not in ${work.results} (no fills.csv there): give their results directory (live.results_directory, --results), or a journal of its own to this one (live.journal_file)\n`,
    );
    expect(run.status).toBe(2);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses the journal of another account', async () => {
    const file = join(work.dir, 'j.sqlite');
    TradingJournal.open(file, 'DU7654321').close();
    const run = await runLive(work, config());
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `error: the journal ${file} belongs to account DU7***321, not DU1***567: each account has its own\n`,
    );
  });
});
