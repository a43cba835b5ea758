import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { describeFeeds, liveStrategy } from '../../src/live/live-strategy.js';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];

function traded(strategies: Record<string, unknown>): ReturnType<typeof liveStrategy> {
  return liveStrategy(validateConfig({ trading: { symbols: SYMBOLS }, strategies }));
}

describe('liveStrategy', () => {
  it('puts every symbol of one strategy on its bar size', () => {
    const strategy = traded({ sma_crossover: { enabled: true, bar_size: '15 mins' } });
    expect(strategy.feeds.map((f) => [f.barSize.text, f.symbols])).toEqual([['15 mins', SYMBOLS]]);
    expect(describeFeeds(strategy.feeds)).toBe('15 mins bars of AAA, BBB, CCC, DDD, EEE');
  });

  it('groups the symbols of several strategies by bar size; symbols nobody trades come in the first one’s size', () => {
    const strategy = traded({
      sma_crossover: { enabled: true, symbols: ['CCC'], bar_size: '1 hour' },
      rsi_mean_reversion: { enabled: true, symbols: ['EEE', 'AAA'], bar_size: '5 secs' },
      other: { enabled: true, symbols: ['DDD'], bar_size: '1 hour' },
    });
    expect(strategy.name).toBe('sma_crossover+rsi_mean_reversion+other');
    expect(strategy.feeds.map((f) => [f.barSize.text, f.symbols])).toEqual([
      ['1 hour', ['BBB', 'CCC', 'DDD']],
      ['5 secs', ['AAA', 'EEE']],
    ]);
    expect(describeFeeds(strategy.feeds)).toBe('1 hour bars of BBB, CCC, DDD and 5 secs bars of AAA, EEE');
  });

  it('refuses two strategies on one symbol, whatever their bar sizes', () => {
    expect(() =>
      traded({
        sma_crossover: { enabled: true, symbols: ['AAA', 'BBB'], bar_size: '1 day' },
        rsi_mean_reversion: { enabled: true, symbols: ['BBB'], bar_size: '1 min' },
      }),
    ).toThrow(
      'strategies.rsi_mean_reversion.symbols: BBB is traded by strategies.sma_crossover already; a symbol belongs to one strategy only',
    );
  });
});
