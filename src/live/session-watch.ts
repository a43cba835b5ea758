import type { IbClient } from '../adapters/ib/ib-client.js';
import type { IbExecutionClient } from '../adapters/ib/ib-execution-client.js';
import type { Config } from '../config/schema.js';
import type { TradingKernel } from '../core/trading-kernel.js';
import type { LiveSnapshot } from '../dashboard/live-snapshot.js';
import type { TradingState } from '../dashboard/kill-switch.js';
import type { Fill } from '../domain/fill.js';
import type { OrderEfficiencyRatio } from '../execution/order-efficiency-ratio.js';
import type { TradeRecord } from '../portfolio/trade-record.js';
import type { BrokerClock } from './broker-clock.js';
import type { LiveResults } from './live-results.js';

const RECENT_FILLS = 50;
const EQUITY_POINTS = 5000;

export interface WatchedParts {
  readonly kernel: TradingKernel;
  /** Where the closed trades of the sessions this one continues come from. */
  readonly results: Pick<LiveResults, 'continued'>;
  readonly clock: BrokerClock;
  readonly execution: IbExecutionClient;
  readonly client: IbClient;
  readonly oer: OrderEfficiencyRatio | null;
}

/**
 * The closed trades of the results summed as trades.csv has them, so that the dashboard's realised P&L, its
 * commissions and their difference are the file's: each trade with its whole commission (its entry's share and its
 * exit's), wherever the entry was paid. The portfolio's own sums cannot be used: in a continued session its realised
 * P&L covers a trade opened by an earlier session while its commissions are only those paid since it started.
 */
class ClosedTrades {
  gross = 0;
  commissions = 0;
  net = 0;

  add(trade: TradeRecord): void {
    this.gross += trade.pnl + trade.commission;
    this.commissions += trade.commission;
    this.net += trade.pnl;
  }
}

/**
 * A read-only view of a running session for the dashboard: the account, positions, working orders, the last fills,
 * the equity curve (one point per exchange minute it was looked at) and the usage of the risk limits.
 */
export class SessionWatch {
  private parts: WatchedParts | undefined;
  private readonly fills: Fill[] = [];
  private readonly equity: [number, number][] = [];
  private readonly closed = new ClosedTrades();

  constructor(
    private readonly config: Config,
    private readonly connection: () => string,
  ) {}

  attach(parts: WatchedParts): void {
    this.parts = parts;
    for (const trade of parts.results.continued) this.closed.add(trade);
    // Summed as the engine closes them, not as trades.csv gets its line (after the socket read): a snapshot's
    // realised figures then always go with its positions and cash.
    parts.kernel.engine.observe({
      onFill: (fill) => {
        this.fills.unshift(fill);
        if (this.fills.length > RECENT_FILLS) this.fills.pop();
      },
      onTrade: (trade) => {
        this.closed.add(trade);
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
    const open = portfolio.openPositions();
    let openCommissions = 0;
    for (const p of open) {
      const sector = config.trading.sector_map[p.symbol] ?? 'unknown';
      sectors.set(sector, (sectors.get(sector) ?? 0) + Math.abs(p.quantity * p.lastPrice));
      openCommissions += p.entryCommission;
    }
    const { trading: t } = config;
    return {
      time,
      connection: this.connection(),
      trading,
      account: {
        netLiquidation: equity,
        cash: portfolio.cash,
        settledCash: portfolio.settledCash,
        unrealisedPnl: portfolio.unrealisedPnl,
        openCommissions,
        realisedPnl: this.closed.gross,
        realisedCommissions: this.closed.commissions,
        realisedNetPnl: this.closed.net,
      },
      positions: open.map((p) => ({
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
