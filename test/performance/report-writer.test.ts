import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../src/domain/events.js';
import type { Fill } from '../../src/domain/fill.js';
import { MS_PER_DAY, parseTime } from '../../src/domain/time.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { EquityCsvWriter } from '../../src/performance/equity-csv-writer.js';
import { equitySeries } from '../../src/performance/equity-curve.js';
import { EquityRecorder } from '../../src/performance/equity-recorder.js';
import { computeMetrics } from '../../src/performance/metrics.js';
import { csvField } from '../../src/performance/csv-field.js';
import { reportFiles, writeReport } from '../../src/performance/report-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'report-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes trades, fills, every bar (streamed), daily snapshots and metrics', () => {
    const out = join(dir, 'run', 'nested');
    mkdirSync(out, { recursive: true });
    const equityCsv = new EquityCsvWriter(reportFiles(out).equity);
    const d1 = parseTime('2024-01-02');
    const d2 = d1 + MS_PER_DAY;
    const p = new Portfolio({ initialCash: 10_000, settlementDays: 1 });
    const curve = new EquityRecorder(equityCsv);
    const fills: Fill[] = [
      {
        orderId: 7,
        execId: 'E1',
        symbol: 'ABC',
        side: 'BUY',
        quantity: 10,
        price: 100.123456,
        commission: 1,
        time: d1 + 34_200_000,
        purpose: 'entry',
      },
      {
        orderId: 9,
        execId: 'E,2',
        symbol: 'ABC',
        side: 'SELL',
        quantity: 10,
        price: 101.1,
        commission: 1.005,
        time: d2 + 36_000_000,
        purpose: 'stop_loss',
      },
    ];
    p.startSession(19_724);
    p.markPrice('ABC', 100);
    curve.record(d1, p);
    p.applyFill(fills[0]!);
    p.markPrice('ABC', 100.5);
    curve.record(d1 + 34_200_000, p);
    p.startSession(19_725);
    p.applyFill(fills[1]!);
    curve.record(d2 + 36_000_000, p);
    curve.finish();
    equityCsv.close();
    const metrics = computeMetrics({
      initialEquity: 10_000,
      daily: equitySeries(curve.daily()),
      trades: p.trades,
      exposure: curve.exposure(),
      openPositions: p.openPositionCount,
      riskFreeRate: 0,
      periodsPerYear: 252,
    });
    const orders: OrderEvent[] = [
      {
        type: 'order',
        time: d1 + 34_200_000,
        order: {
          id: 7,
          symbol: 'ABC',
          side: 'BUY',
          quantity: 10,
          type: 'MKT',
          tif: 'DAY',
          purpose: 'entry',
          strategyId: 'sma',
          createdAt: d1 + 34_200_000,
        },
        children: [
          {
            id: 8,
            symbol: 'ABC',
            side: 'SELL',
            quantity: 10,
            type: 'STP',
            stopPrice: 98.5,
            tif: 'GTC',
            parentId: 7,
            ocaGroup: 'bracket-7',
            purpose: 'stop_loss',
            strategyId: 'sma',
            createdAt: d1 + 34_200_000,
          },
        ],
      },
    ];
    const files = writeReport(out, { daily: curve.daily(), trades: p.trades, fills, orders, metrics });

    expect(readFileSync(files.orders, 'utf8')).toBe(
      'time,order_id,symbol,side,quantity,type,limit_price,stop_price,tif,parent_id,purpose,strategy\n' +
        '2024-01-02 09:30:00,7,ABC,BUY,10,MKT,,,DAY,,entry,sma\n' +
        '2024-01-02 09:30:00,8,ABC,SELL,10,STP,,98.5,GTC,7,stop_loss,sma\n',
    );

    expect(readFileSync(files.trades, 'utf8')).toBe(
      'symbol,entry_time,entry_price,exit_time,exit_price,quantity,pnl,commission\n' +
        // (101.1 − 100.123456) × 10 − 2.005 = 7.76044
        'ABC,2024-01-02 09:30:00,100.123456,2024-01-03 10:00:00,101.1,10,7.76044,2.005\n',
    );
    expect(readFileSync(files.fills, 'utf8')).toBe(
      'time,symbol,side,quantity,price,commission,order_id,exec_id,purpose\n' +
        '2024-01-02 09:30:00,ABC,BUY,10,100.123456,1,7,E1,entry\n' +
        '2024-01-03 10:00:00,ABC,SELL,10,101.1,1.005,9,"E,2",stop_loss\n',
    );
    expect(readFileSync(files.equity, 'utf8')).toBe(
      'time,equity,cash,settled_cash,positions_value\n' +
        '2024-01-02,10000,10000,10000,0\n' +
        // cash 10,000 − 1,001.23456 − 1; 10 shares marked at 100.5
        '2024-01-02 09:30:00,10002.76544,8997.76544,8997.76544,1005\n' +
        // proceeds 1,011 stay unsettled for a session; the commission 1.005 leaves settled cash at once
        '2024-01-03 10:00:00,10007.76044,10007.76044,8997.76544,0\n',
    );
    expect(readFileSync(files.daily, 'utf8')).toBe(
      'time,equity,cash,settled_cash,positions_value\n' +
        '2024-01-02 09:30:00,10002.76544,8997.76544,8997.76544,1005\n' +
        '2024-01-03 10:00:00,10007.76044,10007.76044,8997.76544,0\n',
    );
    const json = JSON.parse(readFileSync(files.metrics, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'total_return',
      'cagr',
      'annual_volatility',
      'sharpe',
      'sortino',
      'max_drawdown',
      'max_drawdown_duration',
      'calmar',
      'win_rate',
      'profit_factor',
      'average_win',
      'average_loss',
      'exposure',
      'alpha',
      'beta',
      'trades',
      'final_equity',
      'open_positions',
      'initial_equity',
      'periods',
      'start',
      'end',
      'risk_events',
    ]);
    expect(json.risk_events).toEqual({ rejected: {}, state_changes: {}, notices: {} });
    expect(readFileSync(files.riskEvents, 'utf8')).toBe(
      'time,event,rule,symbol,side,quantity,value,limit,from,to,reason\n',
    );
    expect(json).toMatchObject({
      trades: 1,
      win_rate: 1,
      profit_factor: null,
      periods: 2,
      start: '2024-01-02 09:30:00',
      end: '2024-01-03 10:00:00',
    });
  });

  it('quotes CSV fields only when needed', () => {
    expect(csvField('AAPL')).toBe('AAPL');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });
});
