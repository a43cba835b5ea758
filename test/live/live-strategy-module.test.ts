import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared-data.js';
import { liveConfig, liveWork, readCsv, runLive, type LiveWork } from './live-fixture.js';

const DONCHIAN = join(REPO_ROOT, 'examples', 'strategies', 'donchian-breakout.ts');

/**
 * Enters when flat and holds until `failAt` (an exchange time, ms), fails on the SYNC bar of that time (`failure`, the
 * body of onBar there), and from then on exits when long and enters when flat, bar after bar: positions are held at the
 * failure, whatever the phase of the replay, so their exits and the refused entries after it are both certain.
 */
const flaky = (
  failAt: number,
  failure: string,
): string => `import { BaseStrategy, defineStrategy, SignalDirection } from 'equity-trading-system';
class Flaky extends BaseStrategy {
  decisionWarmUpBars = 2;
  constructor(context) { super('flaky', context); }
  createState() { return null; }
  onBar(bar) {
    if (bar.symbol === 'SYNC' && bar.time === ${failAt}) { ${failure} }
    return super.onBar(bar);
  }
  decide(bar) {
    if (this.position(bar.symbol) === 0) return SignalDirection.Long;
    return bar.time < ${failAt} ? null : SignalDirection.Exit;
  }
}
export default defineStrategy({ name: 'flaky', description: '', params: {}, create: (p, c) => new Flaky(c) });
`;

/** How the flaky strategy fails, and how the failure is reported. */
const FAILURES = [
  ['throws on a bar', "throw new Error('division by zero');", 'Error: division by zero'],
  // Read outside the guard, the getter once ended the whole session.
  [
    'returns a signal whose getter throws',
    "return { get direction() { throw new Error('getter boom'); }, symbol: bar.symbol };",
    'Error: getter boom',
  ],
] as const;

describe('ets live with a strategy module on the embedded gateway', () => {
  let work: LiveWork;
  beforeEach(() => {
    work = liveWork();
  });
  afterEach(() => {
    work.cleanup();
  });

  it('trades the example Donchian breakout under its config name', async () => {
    const config = liveConfig(work, {
      ibkr: { gateway: 'embedded', embedded: { speed: 5000 } },
      strategies: {
        breakout: { enabled: true, module: DONCHIAN, params: { entry: 6, exit: 3 }, bar_size: '5 mins' },
      },
    });
    const run = await runLive(work, config);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Live session: breakout \(entry=6 exit=3\) on 5 mins bars of SYNA, SYNB, SYNC, SYND, SYNE\n/,
    );
    const orders = readCsv(join(work.results, 'orders.csv'));
    expect(orders.length).toBeGreaterThan(0);
    expect(new Set(orders.map((o) => o.strategy))).toEqual(new Set(['breakout']));
    expect(readCsv(join(work.results, 'fills.csv')).length).toBeGreaterThan(0);
  });

  it.each(FAILURES)(
    'halts the entries of a strategy that %s, logs it with the bar, and trades on to the end',
    async (_what, failing, reason) => {
      const file = join(work.dir, 'flaky.mjs');
      // 11:00 on the last day of the data: the replay trades its last two days.
      const last = readFileSync(join(work.sample, 'SYNC.csv'), 'utf8').trim().split('\n').at(-1)!.slice(0, 10);
      writeFileSync(file, flaky(Date.parse(`${last}T11:00:00Z`), failing));
      const config = liveConfig(work, {
        ibkr: { gateway: 'embedded', embedded: { speed: 5000 } },
        strategies: { flaky: { enabled: true, module: file, bar_size: '5 mins' } },
        trading: { use_bracket_orders: false, sizing: 'fixed:10', max_active_positions: 5 },
      });
      const run = await runLive(work, config);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/Ended +passed the end time/);
      const lines = readFileSync(join(work.logs, 'ets.log'), 'utf8').trim().split('\n');
      const failures = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string; bar?: { symbol: string; time: number } })
        .filter((entry) => entry.msg.includes('failed on the SYNC bar'));
      expect(failures).toHaveLength(1);
      const failure = failures[0]!;
      expect(failure.level).toBe(50);
      expect(failure.msg).toMatch(
        new RegExp(
          `^strategy flaky \\(${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) failed on the SYNC bar of \\d{4}-\\d{2}-\\d{2} \\d\\d:\\d\\d:00: ${reason}; new entries of flaky halted$`,
        ),
      );
      expect(failure.bar?.symbol).toBe('SYNC');
      // Entries before the failure, none after it; its exits go on.
      const orders = readCsv(join(work.results, 'orders.csv'));
      const failedAt = `${last} 11:00:00`;
      expect(failure.msg).toContain(`failed on the SYNC bar of ${failedAt}: ${reason}`);
      const entries = orders.filter((o) => o.purpose === 'entry');
      expect(entries.filter((o) => o.time! < failedAt).length).toBeGreaterThan(0);
      expect(entries.filter((o) => o.time! > failedAt)).toEqual([]);
      expect(orders.filter((o) => o.purpose === 'exit' && o.time! > failedAt).length).toBeGreaterThan(0);
    },
  );

  it('trades several strategies at once, each on its own symbols, with its id on every order', async () => {
    const config = liveConfig(work, {
      ibkr: { gateway: 'embedded', embedded: { speed: 5000 } },
      strategies: {
        // Quick crossovers: at 5000x a slow start leaves a short window, and both strategies must trade in it.
        sma_crossover: { enabled: true, symbols: ['SYNA', 'SYNB'], params: { fast: 3, slow: 8 }, bar_size: '5 mins' },
        breakout: {
          enabled: true,
          module: DONCHIAN,
          symbols: ['SYNC', 'SYND', 'SYNE'],
          params: { entry: 6, exit: 3 },
          bar_size: '5 mins',
        },
      },
    });
    const run = await runLive(work, config);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^Live session: sma_crossover\+breakout on 5 mins bars of SYNA, SYNB, SYNC, SYND, SYNE\n/,
    );
    const owner: Record<string, string> = {
      SYNA: 'sma_crossover',
      SYNB: 'sma_crossover',
      SYNC: 'breakout',
      SYND: 'breakout',
      SYNE: 'breakout',
    };
    const orders = readCsv(join(work.results, 'orders.csv'));
    for (const order of orders) expect(order.strategy, order.symbol).toBe(owner[order.symbol!]);
    expect(new Set(orders.map((o) => o.strategy))).toEqual(new Set(['sma_crossover', 'breakout']));
  });
});
