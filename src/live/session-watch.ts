import type { IbClient } from '../adapters/ib/ib-client.js';
import type { IbExecutionClient } from '../adapters/ib/ib-execution-client.js';
import type { Config } from '../config/schema.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { LiveSnapshot } from '../dashboard/live-snapshot.js';
import type { TradingState } from '../dashboard/kill-switch.js';
import type { Fill } from '../domain/fill.js';
import type { OrderEfficiencyRatio } from '../execution/order-efficiency-ratio.js';
import type { BrokerClock } from './broker-clock.js';

const RECENT_FILLS = 50;
const EQUITY_POINTS = 5000;

export interface WatchedParts {
  readonly kernel: TradingKernel;
  readonly clock: BrokerClock;
  readonly execution: IbExecutionClient;
  readonly client: IbClient;
  readonly oer: OrderEfficiencyRatio | null;
  readonly connection: () => string;
}

/**
 * A read-only view of a running session for the dashboard: the account, positions, working orders, the last fills,
 * the equity curve (one point per exchange minute it was looked at) and the usage of the risk limits.
 */
export class SessionWatch {
  private parts: WatchedParts | undefined;
  private readonly fills: Fill[] = [];
  private readonly equity: [number, number][] = [];

  constructor(private readonly config: Config) {}

  attach(parts: WatchedParts): void {
    this.parts = parts;
    parts.kernel.engine.observe({
      onFill: (fill) => {
        this.fills.unshift(fill);
        if (this.fills.length > RECENT_FILLS) this.fills.pop();
      },
    });
  }

  snapshot(trading: TradingState): LiveSnapshot {
    const { config } = this;
    const messages = {
      recent: this.parts?.client.recentMessages ?? 0,
      limit: config.monitoring.max_messages_per_second,
    };
    const parts = this.parts;
    if (parts === undefined) {
      const empty = { account: null, positions: [], orders: [], fills: [], equity: [], risk: [], oer: null };
      return { time: 0, connection: 'starting', trading, messages, ...empty };
    }
    const { kernel, clock, execution, oer } = parts;
    const { portfolio, limits } = kernel;
    const time = clock.now();
    this.sample(Math.floor(time / 1000), portfolio.equity);
    const limitState = limits.state;
    const equity = portfolio.equity;
    const gross = equity > 0 ? portfolio.grossPositionsValue / equity : 0;
    const sectors = new Map<string, number>();
    for (const p of portfolio.openPositions()) {
      const sector = config.trading.sector_map[p.symbol] ?? 'unknown';
      sectors.set(sector, (sectors.get(sector) ?? 0) + Math.abs(p.quantity * p.lastPrice));
    }
    const { trading: t } = config;
    return {
      time,
      connection: parts.connection(),
      trading,
      account: {
        netLiquidation: equity,
        cash: portfolio.cash,
        settledCash: portfolio.settledCash,
        realisedPnl: portfolio.realisedPnl,
        commissions: portfolio.commissions,
        unrealisedPnl: portfolio.unrealisedPnl,
      },
      positions: portfolio.openPositions().map((p) => ({
        symbol: p.symbol,
        quantity: p.quantity,
        averageCost: p.averageCost,
        lastPrice: p.lastPrice,
        unrealisedPnl: p.unrealisedPnl,
      })),
      orders: execution.workingOrders().map((o) => ({
        id: o.id,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        purpose: o.purpose,
        quantity: o.quantity,
        remaining: o.remaining,
      })),
      fills: this.fills.map((f) => ({
        time: f.time,
        symbol: f.symbol,
        side: f.side,
        quantity: f.quantity,
        price: f.price,
        purpose: f.purpose,
      })),
      equity: this.equity,
      risk: [
        { name: 'daily loss %', used: limitState.dailyLossPct, limit: t.max_daily_loss_pct },
        { name: 'drawdown %', used: limitState.drawdownPct, limit: t.max_drawdown_pct },
        { name: 'gross exposure ×', used: gross, limit: t.max_gross_exposure },
        { name: 'open positions', used: portfolio.openPositionCount, limit: t.max_active_positions },
        ...[...sectors].map(([sector, value]) => ({
          name: `sector ${sector} %`,
          used: equity > 0 ? (value / equity) * 100 : 0,
          limit: t.max_sector_allocation_pct,
        })),
      ],
      messages,
      oer:
        oer === null
          ? null
          : {
              ratio: oer.ratio,
              state: oer.state,
              warn: config.monitoring.oer_warn_ratio,
              max: config.monitoring.oer_max_ratio,
            },
    };
  }

  /** One equity point per exchange minute; the latest value of a minute replaces the earlier one. */
  private sample(seconds: number, equity: number): void {
    const minute = seconds - (seconds % 60);
    const last = this.equity[this.equity.length - 1];
    if (last !== undefined && last[0] === minute) last[1] = equity;
    else if (last === undefined || minute > last[0]) this.equity.push([minute, equity]);
    if (this.equity.length > EQUITY_POINTS) this.equity.shift();
  }
}
