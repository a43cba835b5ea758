import type { RiskEvent } from '../../src/risk/risk-events.js';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, OrderEvent } from '../../src/domain/events.js';
import type { Signal } from '../../src/domain/signal.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { Portfolio } from '../../src/portfolio/portfolio.js';
import { PortfolioLimits, type LimitSettings } from '../../src/risk/portfolio-limits.js';
import { SignalRouter, type RouterSettings } from '../../src/risk/signal-router.js';

const settings: RouterSettings = {
  rule: { kind: 'risk' },
  riskPerTradePct: 1,
  riskBase: 'equity',
  cashBufferPct: 0,
  cashAccount: true,
  maxGrossExposure: 1,
  sectorMap: {},
  maxSectorAllocationPct: 100,
  protectiveStops: true,
  takeProfitR: 2,
};

const limitSettings: LimitSettings = { maxActivePositions: 2, maxDailyLossPct: 3, maxDrawdownPct: 20 };

function setup(overrides: Partial<RouterSettings> = {}, limitOverrides: Partial<LimitSettings> = {}) {
  const portfolio = new Portfolio({ initialCash: 100_000, settlementDays: 1 });
  portfolio.startSession(1);
  const limits = new PortfolioLimits({ ...limitSettings, ...limitOverrides }, portfolio);
  let id = 100;
  const router = new SignalRouter({
    settings: { ...settings, ...overrides },
    account: portfolio,
    limits,
    nextOrderId: () => ++id,
  });
  return { portfolio, limits, router };
}

function signal(direction: Signal['direction'], symbol = 'AAPL', price = 50, stopPrice = 48): Signal {
  return { strategyId: 'sma', symbol, direction, price, stopPrice, atr: 1, strength: 1 };
}

function only(events: readonly EngineEvent[]): EngineEvent {
  expect(events).toHaveLength(1);
  return events[0]!;
}

/** The venue confirms the cancels among `events`; returns what the router sends then. */
function cancelAll(router: SignalRouter, events: readonly EngineEvent[]): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const event of events) {
    if (event.type !== 'cancel_order') continue;
    const ended = { type: 'order_cancelled', time: event.time, orderId: event.orderId, remaining: 0 } as const;
    out.push(...router.onEvent({ ...ended, symbol: 'AAPL', reason: 'cancelled' }));
  }
  return out;
}

function fillAll(router: SignalRouter, portfolio: Portfolio, event: OrderEvent, price: number, time = 2): void {
  const order = event.order;
  router.onEvent({ type: 'order_accepted', time, order });
  const fill = {
    orderId: order.id,
    execId: `x${order.id}`,
    symbol: order.symbol,
    side: order.side,
    quantity: order.quantity,
    price,
    commission: 0,
    time,
    purpose: order.purpose,
  };
  portfolio.applyFill(fill);
  router.onEvent({ type: 'fill', time, fill });
}

describe('SignalRouter', () => {
  it('turns a LONG into a market entry with a stop-loss and take-profit bracket', () => {
    const { router } = setup();
    expect(only(router.onSignal(signal('LONG', 'AAPL', 50, 48.004), 1_000))).toEqual({
      type: 'order',
      time: 1_000,
      order: {
        id: 101,
        symbol: 'AAPL',
        side: 'BUY',
        quantity: 500, // floor(1% × 100,000 ÷ 2): sized on the stop as placed, 48, so 500 × 2 is the budget
        type: 'MKT',
        tif: 'DAY',
        purpose: 'entry',
        strategyId: 'sma',
        createdAt: 1_000,
      },
      children: [
        {
          id: 102,
          symbol: 'AAPL',
          side: 'SELL',
          quantity: 500,
          type: 'STP',
          stopPrice: 48, // 48.004 lowered to the cent
          tif: 'GTC',
          parentId: 101,
          ocaGroup: 'bracket-101',
          purpose: 'stop_loss',
          strategyId: 'sma',
          createdAt: 1_000,
        },
        {
          id: 103,
          symbol: 'AAPL',
          side: 'SELL',
          quantity: 500,
          type: 'LMT',
          limitPrice: 54, // 50 + 2R, R = 2 the loss per share at the placed stop
          tif: 'GTC',
          parentId: 101,
          ocaGroup: 'bracket-101',
          purpose: 'take_profit',
          strategyId: 'sma',
          createdAt: 1_000,
        },
      ],
    });
  });

  it('sends no take-profit when r is 0 and no children when protective stops are off', () => {
    const noTarget = setup({ takeProfitR: 0 }).router.onSignal(signal('LONG'), 1);
    expect((only(noTarget) as OrderEvent).children.map((c) => c.purpose)).toEqual(['stop_loss']);
    const bare = setup({ protectiveStops: false }).router.onSignal(signal('LONG'), 1);
    expect((only(bare) as OrderEvent).children).toEqual([]);
  });

  it('sends a fixed-size entry without a bracket when the strategy has no stop yet', () => {
    const { router } = setup({ rule: { kind: 'fixed', shares: 100 } });
    const event = only(router.onSignal(signal('LONG', 'AAPL', 50, Number.NaN), 1)) as OrderEvent;
    expect(event.order.quantity).toBe(100);
    expect(event.children).toEqual([]);
  });

  it('refuses SHORT signals on a cash account', () => {
    const { router } = setup();
    expect(only(router.onSignal(signal('SHORT', 'AAPL', 50, 52), 5))).toEqual({
      type: 'signal_rejected',
      time: 5,
      signal: signal('SHORT', 'AAPL', 50, 52),
      reason: 'short selling needs a margin account (account.type is cash)',
    });
  });

  it('turns a SHORT on a margin account into a market sale with the bracket mirrored above and below it', () => {
    const { router, portfolio } = setup({ allowShort: true });
    const event = only(router.onSignal(signal('SHORT', 'AAPL', 50, 51.996), 1_000)) as OrderEvent;
    // floor(1% × 100,000 ÷ 2) shares, sized on the stop as placed (52), as a long with the same stop distance.
    expect(event.order).toMatchObject({ side: 'SELL', quantity: 500, type: 'MKT', purpose: 'entry' });
    expect(event.children).toEqual([
      expect.objectContaining({ side: 'BUY', quantity: 500, type: 'STP', stopPrice: 52, purpose: 'stop_loss' }),
      // 50 − 2R, R = 2.
      expect.objectContaining({ side: 'BUY', quantity: 500, type: 'LMT', limitPrice: 46, purpose: 'take_profit' }),
    ]);
    expect(event.children.map((c) => [c.parentId, c.ocaGroup])).toEqual([
      [101, 'bracket-101'],
      [101, 'bracket-101'],
    ]);
    fillAll(router, portfolio, event, 50);
    expect(portfolio.quantity('AAPL')).toBe(-500);
    // A second SHORT while short is refused; an EXIT covers the whole position with a purchase.
    expect(only(router.onSignal(signal('SHORT', 'AAPL', 50, 52), 3))).toMatchObject({ type: 'signal_rejected' });
    const exit = router.onSignal(signal('EXIT'), 4);
    expect(exit.map((e) => e.type)).toEqual(['cancel_order', 'cancel_order']);
    expect(cancelAll(router, exit).at(-1)).toMatchObject({
      type: 'order',
      order: { side: 'BUY', quantity: 500, purpose: 'exit' },
    });
  });

  it('refuses a SHORT whose stop is not above the price', () => {
    const { router } = setup({ allowShort: true });
    expect(only(router.onSignal(signal('SHORT', 'AAPL', 50, 48), 1))).toMatchObject({
      type: 'signal_rejected',
      reason: 'no valid stop: stop 48 must be a number above the price 50',
    });
  });

  it('passes on the sizing rejection', () => {
    const { router } = setup();
    expect(only(router.onSignal(signal('LONG', 'AAPL', 50, 50), 1))).toMatchObject({
      type: 'signal_rejected',
      reason: expect.stringMatching(/^no valid stop/) as unknown,
    });
  });

  it('rejects a second LONG while the entry is in flight or the position is held', () => {
    const { router, portfolio } = setup();
    const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
    expect(only(router.onSignal(signal('LONG'), 1))).toMatchObject({
      reason: 'an entry order for AAPL is already working',
    });
    fillAll(router, portfolio, entry, 50);
    expect(only(router.onSignal(signal('LONG'), 3))).toMatchObject({
      reason: 'already in a position in AAPL (500 shares)',
    });
  });

  it('counts working entries toward max active positions until they fail', () => {
    const { router, portfolio } = setup();
    const a = only(router.onSignal(signal('LONG', 'A'), 1)) as OrderEvent;
    const b = only(router.onSignal(signal('LONG', 'B'), 1)) as OrderEvent;
    expect(router.activePositions()).toBe(2);
    expect(only(router.onSignal(signal('LONG', 'C'), 1))).toMatchObject({
      reason: 'max active positions reached: 2 of 2 (open positions and working entries)',
    });
    fillAll(router, portfolio, a, 50);
    expect(router.activePositions()).toBe(2);
    router.onEvent({ type: 'order_failed', time: 2, orderId: b.order.id, symbol: 'B', reason: 'rejected', code: 201 });
    expect(router.activePositions()).toBe(1);
    // the failed entry's bracket children can never work
    expect(router.working.forSymbol('B')).toEqual([]);
    expect(only(router.onSignal(signal('LONG', 'C'), 3)).type).toBe('order');
  });

  it('exits by cancelling the protective orders, then selling the whole position once they have ended', () => {
    const { router, portfolio } = setup();
    const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
    fillAll(router, portfolio, entry, 50);
    expect(router.onSignal(signal('EXIT', 'AAPL', 55, Number.NaN), 10)).toEqual([
      { type: 'cancel_order', time: 10, orderId: 102, reason: 'exit signal from sma' },
      { type: 'cancel_order', time: 10, orderId: 103, reason: 'exit signal from sma' },
    ]);
    // Asked again while the cancels are on their way: they are sent again (the execution client drops repeats).
    expect(router.onSignal(signal('EXIT'), 10)).toEqual([
      { type: 'cancel_order', time: 10, orderId: 102, reason: 'exit pending' },
      { type: 'cancel_order', time: 10, orderId: 103, reason: 'exit pending' },
      expect.objectContaining({ reason: "an exit for AAPL is waiting for its orders' cancels" }),
    ]);
    const cancelled = (orderId: number) =>
      router.onEvent({
        type: 'order_cancelled',
        time: 11,
        orderId,
        symbol: 'AAPL',
        reason: 'cancelled',
        remaining: 500,
      });
    expect(cancelled(102)).toEqual([]);
    const exit = cancelled(103);
    expect(exit).toEqual([
      {
        type: 'order',
        time: 11,
        order: {
          id: 104,
          symbol: 'AAPL',
          side: 'SELL',
          quantity: 500,
          type: 'MKT',
          tif: 'DAY',
          purpose: 'exit',
          strategyId: 'sma',
          createdAt: 11,
        },
        children: [],
      },
    ]);
    expect(only(router.onSignal(signal('EXIT'), 11))).toMatchObject({
      reason: 'an exit order for AAPL is already working',
    });
    fillAll(router, portfolio, exit[0] as OrderEvent, 55, 11);
    expect(router.working.size).toBe(0);
    expect(portfolio.quantity('AAPL')).toBe(0);
    expect(only(router.onSignal(signal('EXIT'), 12))).toMatchObject({ reason: 'not in a position in AAPL' });
  });

  it('sells only what a stop filling while its cancel was on the way left, and nothing when it sold all', () => {
    const stopFill = (stop: OrderRequest, quantity: number) => ({
      orderId: stop.id,
      execId: `s${quantity}`,
      symbol: 'AAPL',
      side: 'SELL' as const,
      quantity,
      price: 48,
      commission: 0,
      time: 11,
      purpose: 'stop_loss' as const,
    });
    for (const stopSold of [200, 500]) {
      const { router, portfolio } = setup();
      const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
      fillAll(router, portfolio, entry, 50);
      const [stop, target] = entry.children;
      expect(router.onSignal(signal('EXIT'), 10).map((e) => e.type)).toEqual(['cancel_order', 'cancel_order']);
      const fill = stopFill(stop!, stopSold);
      portfolio.applyFill(fill);
      const routed = [
        ...router.onEvent({ type: 'fill', time: 11, fill }),
        ...router.onEvent({
          type: 'order_cancelled',
          time: 11,
          orderId: target!.id,
          symbol: 'AAPL',
          reason: 'oca',
          remaining: 500,
        }),
      ];
      if (stopSold < 500) {
        expect(routed).toEqual([]);
        const rest = router.onEvent({
          type: 'order_cancelled',
          time: 12,
          orderId: stop!.id,
          symbol: 'AAPL',
          reason: 'cancelled',
          remaining: 300,
        });
        expect(rest).toMatchObject([{ type: 'order', order: { side: 'SELL', quantity: 300, purpose: 'exit' } }]);
      } else {
        expect(routed).toEqual([]);
        expect(router.working.size).toBe(0);
      }
    }
  });

  it('drops a bracket when its stop-loss fills and the venue cancels the take-profit', () => {
    const { router, portfolio } = setup();
    const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
    fillAll(router, portfolio, entry, 50);
    const stop = entry.children[0]!;
    const fill = {
      orderId: stop.id,
      execId: 's',
      symbol: 'AAPL',
      side: 'SELL' as const,
      quantity: 500,
      price: 48,
      commission: 0,
      time: 3,
      purpose: 'stop_loss' as const,
    };
    portfolio.applyFill(fill);
    router.onEvent({ type: 'fill', time: 3, fill });
    router.onEvent({
      type: 'order_cancelled',
      time: 3,
      orderId: entry.children[1]!.id,
      symbol: 'AAPL',
      reason: 'OCA',
      remaining: 500,
    });
    expect(router.working.size).toBe(0);
    // The next bar's close, marked by the engine before its signal is routed (the stop's fill marked 48 last).
    portfolio.markPrice('AAPL', 50);
    expect(only(router.onSignal(signal('LONG'), 4)).type).toBe('order');
  });

  it('places the protective orders again for the shares held when a partly filled entry takes them down', () => {
    const { router, portfolio } = setup();
    const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
    const [stop, profit] = entry.children;
    router.onEvent({ type: 'order_accepted', time: 2, order: entry.order });
    const fill = { orderId: entry.order.id, execId: 'p', symbol: 'AAPL', side: 'BUY' as const, quantity: 200 };
    const partial = { ...fill, price: 50, commission: 0, time: 2, purpose: 'entry' as const };
    portfolio.applyFill(partial);
    router.onEvent({ type: 'fill', time: 2, fill: partial });
    const ended = (orderId: number, reason: string, remaining: number) =>
      router.onEvent({ type: 'order_cancelled', time: 3, orderId, symbol: 'AAPL', reason, remaining });
    expect(ended(entry.order.id, 'kill switch', 301)).toEqual([]);
    const again = [...ended(stop!.id, 'parent_cancelled', 501), ...ended(profit!.id, 'parent_cancelled', 501)];
    const group = `${stop!.ocaGroup!}-held`;
    expect(again).toEqual(
      [
        {
          type: 'order',
          time: 3,
          order: { ...stop!, id: 104, quantity: 200, createdAt: 3, parentId: undefined, ocaGroup: group },
          children: [],
        },
        {
          type: 'order',
          time: 3,
          order: { ...profit!, id: 105, quantity: 200, createdAt: 3, parentId: undefined, ocaGroup: group },
          children: [],
        },
      ].map((e) => ({ ...e, order: Object.fromEntries(Object.entries(e.order).filter(([, v]) => v !== undefined)) })),
    );
    // They are working orders like any: an exit cancels them and sells the position.
    expect(router.working.forSymbol('AAPL').map((o) => o.id)).toEqual([104, 105]);
  });

  it('places nothing again for an entry that bought nothing, or a position an exit is closing', () => {
    for (const exiting of [false, true]) {
      const { router, portfolio } = setup();
      const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
      const [stop] = entry.children;
      const cancelled = (orderId: number, reason: string) =>
        router.onEvent({ type: 'order_cancelled', time: 3, orderId, symbol: 'AAPL', reason, remaining: 501 });
      if (exiting) {
        const partial = { orderId: entry.order.id, execId: 'p', symbol: 'AAPL', side: 'BUY' as const, quantity: 200 };
        const fill = { ...partial, price: 50, commission: 0, time: 2, purpose: 'entry' as const };
        portfolio.applyFill(fill);
        router.onEvent({ type: 'fill', time: 2, fill });
        router.onSignal(signal('EXIT'), 2);
      }
      expect(cancelled(entry.order.id, 'halted')).toEqual([]);
      expect(cancelled(stop!.id, 'parent_cancelled')).toEqual([]);
    }
  });

  it('blocks entries but not exits once a portfolio limit is hit', () => {
    const { router, portfolio, limits } = setup({}, { maxDrawdownPct: 1 });
    const entry = only(router.onSignal(signal('LONG', 'AAPL', 50, 40), 1)) as OrderEvent;
    fillAll(router, portfolio, entry, 50);
    portfolio.markPrice('AAPL', 40); // 100 shares lose 1,000 = 1% of equity
    expect(limits.observe(3)).toMatchObject({ rule: 'drawdown' });
    expect(only(router.onSignal(signal('LONG', 'MSFT'), 4))).toMatchObject({
      reason: expect.stringMatching(/^drawdown /) as unknown,
    });
    const exit = router.onSignal(signal('EXIT'), 4);
    expect(cancelAll(router, exit).at(-1)).toMatchObject({
      type: 'order',
      order: { side: 'SELL', quantity: 100, purpose: 'exit' },
    });
  });

  it('learns about orders it did not place from order_accepted', () => {
    const { router } = setup();
    router.onEvent({
      type: 'order_accepted',
      time: 1,
      order: {
        id: 7,
        symbol: 'IBM',
        side: 'BUY',
        quantity: 10,
        type: 'LMT',
        limitPrice: 100,
        tif: 'DAY',
        purpose: 'entry',
        createdAt: 0,
      },
    });
    expect(only(router.onSignal(signal('LONG', 'IBM'), 2))).toMatchObject({
      reason: 'an entry order for IBM is already working',
    });
    router.onEvent({ type: 'order_cancelled', time: 3, orderId: 7, symbol: 'IBM', reason: 'expired', remaining: 10 });
    expect(router.working.size).toBe(0);
  });
});

describe('SignalRouter with entries in flight and entry gates', () => {
  it('sizes a second entry in flight against the cash the first has not spent yet', () => {
    const { router } = setup({ rule: { kind: 'risk' }, riskPerTradePct: 50 });
    const first = only(router.onSignal(signal('LONG', 'AAPL', 50, 49), 1)) as OrderEvent;
    // 50% of 100,000 at a stop distance of 1 asks for 50,000 shares; settled cash buys 2,000.
    expect(first.order.quantity).toBe(2_000);
    const events: RiskEvent[] = [];
    router.risk.onEvent((event) => events.push(event));
    const second = only(router.onSignal(signal('LONG', 'MSFT', 50, 49), 1));
    expect(second).toMatchObject({
      type: 'signal_rejected',
      reason: 'insufficient settled cash: 0.00 buys no share at 50',
    });
    // Recorded as the rules' refusals are: a row of risk_events.csv and a count in metrics.json.
    expect(events).toEqual([
      {
        type: 'risk_rejected',
        time: 1,
        rule: 'sizing',
        symbol: 'MSFT',
        side: 'BUY',
        quantity: 0,
        value: Number.NaN,
        limit: Number.NaN,
        reason: 'insufficient settled cash: 0.00 buys no share at 50',
      },
    ]);
    expect(router.risk.countsByRule().rejected).toEqual({ sizing: 1 });
  });

  it('sizes a second entry of a bar down to the gross and sector room the first leaves, rather than refusing it', () => {
    // Gross exposure at most 0.3 × 100,000: the first entry takes 25,000 of it, the second fits 5,000 (100 shares).
    // Each asks for 10% × 100,000 ÷ 20 = 500 shares.
    const gross = setup({ riskPerTradePct: 10, maxGrossExposure: 0.3 }).router;
    expect((only(gross.onSignal(signal('LONG', 'AAPL', 50, 30), 1)) as OrderEvent).order.quantity).toBe(500);
    expect((only(gross.onSignal(signal('LONG', 'MSFT', 50, 30), 1)) as OrderEvent).order.quantity).toBe(100);
    // The same with a sector of both at most 30 % of net liquidation.
    const sectorMap = { AAPL: 'tech', MSFT: 'tech' };
    const sector = setup({ riskPerTradePct: 10, sectorMap, maxSectorAllocationPct: 30 }).router;
    expect((only(sector.onSignal(signal('LONG', 'AAPL', 50, 30), 1)) as OrderEvent).order.quantity).toBe(500);
    expect((only(sector.onSignal(signal('LONG', 'MSFT', 50, 30), 1)) as OrderEvent).order.quantity).toBe(100);
  });

  it('holds entries while a gate says so, and lets exits through', () => {
    const portfolio = new Portfolio({ initialCash: 100_000, settlementDays: 1 });
    portfolio.startSession(1);
    let closed: string | null = 'the connection to TWS is down';
    let id = 0;
    const router = new SignalRouter({
      settings,
      account: portfolio,
      limits: new PortfolioLimits(limitSettings, portfolio),
      nextOrderId: () => ++id,
      entryGates: [{ entryBlockReason: () => closed }],
    });
    expect(only(router.onSignal(signal('LONG'), 1))).toMatchObject({
      type: 'signal_rejected',
      reason: 'the connection to TWS is down',
    });
    closed = null;
    const entry = only(router.onSignal(signal('LONG'), 2)) as OrderEvent;
    fillAll(router, portfolio, entry, 50);
    closed = 'the session is stopping';
    const exit = router.onSignal(signal('EXIT'), 3);
    expect(cancelAll(router, exit).map((e) => e.type)).toEqual(['order']);
  });

  it('exits again when the closing order could not go out', () => {
    const { router, portfolio } = setup();
    const entry = only(router.onSignal(signal('LONG'), 1)) as OrderEvent;
    fillAll(router, portfolio, entry, 50);
    for (const child of entry.children) router.onEvent({ type: 'order_accepted', time: 2, order: child });
    const exitOrder = (cancelAll(router, router.onSignal(signal('EXIT'), 3))[0] as OrderEvent).order;
    router.onEvent({
      type: 'order_failed',
      time: 3,
      orderId: exitOrder.id,
      symbol: 'AAPL',
      reason: 'not connected',
      code: 504,
    });
    expect(router.onSignal(signal('EXIT'), 4).map((e) => e.type)).toEqual(['order']);
  });
});

describe('SignalRouter at the market price', () => {
  it('sizes, brackets and checks an entry at the last close, not at a signal price a thousandth of it', () => {
    const { router, portfolio } = setup();
    portfolio.markPrice('AAPL', 50);
    // Sized at its own price, the risk budget of 1,000 over a stop distance of 0.0005 bought 2,000,000 shares (worth
    // 100,000,000 at the market) and the cash check passed: 2,000,000 × 0.05 is the cash.
    const event = only(router.onSignal(signal('LONG', 'AAPL', 0.05, 0.0495), 1)) as OrderEvent;
    // floor(1,000 ÷ (50 − 0.0495)) shares; the take-profit 2R above the market: ceil(50 + 2 × 49.9505) to the cent.
    expect(event.order.quantity).toBe(20);
    expect(event.children.map((c) => [c.purpose, c.stopPrice ?? c.limitPrice])).toEqual([
      ['stop_loss', 0.0495],
      ['take_profit', 149.91],
    ]);
    expect(router.working.committedCash()).toBe(1_000);
  });

  it('refuses a fixed size the cash cannot pay for at the market, whatever the signal says', () => {
    const { router, portfolio } = setup({ rule: { kind: 'fixed', shares: 1_000 } });
    portfolio.markPrice('AAPL', 150);
    expect(only(router.onSignal(signal('LONG', 'AAPL', 0.15, Number.NaN), 1))).toMatchObject({
      type: 'signal_rejected',
      reason: 'insufficient settled cash: 1000 shares at 150 cost 150000.00, settled cash is 100000.00',
    });
    // At the market price it names, the same signal buys its 1,000 shares where they fit the cash.
    portfolio.markPrice('AAPL', 0.15);
    expect((only(router.onSignal(signal('LONG', 'AAPL', 0.15, Number.NaN), 2)) as OrderEvent).order.quantity).toBe(
      1_000,
    );
  });
});
