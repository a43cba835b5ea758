import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TradingState, type RiskEvent } from '../../src/risk/risk-events.js';
import { logRiskEvent } from '../../src/risk/risk-log.js';

/** The JSON lines a logger at `level` writes for `events`. */
function linesAt(level: string, events: readonly RiskEvent[]): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level, base: undefined, timestamp: false },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  for (const event of events) logRiskEvent(logger, event);
  return lines;
}

const refused: RiskEvent = {
  type: 'risk_rejected',
  time: Date.UTC(2024, 2, 5, 14, 30),
  rule: 'max_positions',
  symbol: 'AAPL',
  side: 'BUY',
  quantity: 0,
  value: 10,
  limit: 10,
  reason: '10 positions open, at most 10',
};
const halted: RiskEvent = {
  type: 'trading_state',
  time: Date.UTC(2024, 2, 5),
  rule: 'daily_loss',
  from: TradingState.Active,
  to: TradingState.Halted,
  value: -3.1,
  limit: -3,
  reason: 'daily loss 3.1% beyond 3%',
};

describe('logRiskEvent', () => {
  it('logs a refused order at debug, with its rule, symbol and time', () => {
    expect(linesAt('debug', [refused])).toEqual([
      {
        level: 20,
        rule: 'max_positions',
        symbol: 'AAPL',
        at: '2024-03-05 14:30:00',
        msg: 'order refused: 10 positions open, at most 10',
      },
    ]);
  });

  it('writes nothing for a refused order above debug, and a state change as a warning', () => {
    expect(linesAt('info', [refused, halted])).toEqual([
      {
        level: 40,
        rule: 'daily_loss',
        from: TradingState.Active,
        to: TradingState.Halted,
        at: '2024-03-05',
        msg: 'trading HALTED: daily loss 3.1% beyond 3%',
      },
    ]);
  });
});
