import { describe, expect, it } from 'vitest';
import { metricLines } from '../../src/cli/print-summary.js';
import type { PerformanceMetrics } from '../../src/performance/metrics.js';

const metrics: PerformanceMetrics = {
  total_return: 0.0114,
  cagr: null,
  annual_volatility: null,
  sharpe: null,
  sortino: null,
  max_drawdown: -0.0061,
  max_drawdown_duration: 1,
  calmar: null,
  win_rate: 0.4,
  profit_factor: 2.57,
  average_win: 46.44,
  average_loss: -12.04,
  exposure: 0.6,
  alpha: null,
  beta: null,
  trades: 100,
  final_equity: 101_135.05,
  open_positions: 0,
  initial_equity: 100_000,
  periods: 2,
  start: '2024-10-16 16:00:00',
  end: '2024-10-17 16:00:00',
};

describe('the summary lines', () => {
  it('count sessions in the singular and the plural', () => {
    const lines = new Map(metricLines(metrics));
    expect(lines.get('Period')).toBe('2024-10-16 16:00:00 .. 2024-10-17 16:00:00 (2 sessions)');
    expect(lines.get('Max drawdown')).toBe('-0.61% (1 session)');
    expect(new Map(metricLines({ ...metrics, periods: 1, max_drawdown_duration: null })).get('Max drawdown')).toBe(
      '-0.61% (0 sessions)',
    );
    expect(lines.get('Final equity')).toBe('101,135.05');
  });
});
