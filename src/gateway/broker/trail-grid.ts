import { OrderSide, type OrderRequest } from '../../domain/order.js';
import { termsOf, trailStopFrom } from '../../execution/fill-model.js';

/** The price increment at `price`: the contract's tick from one dollar up, a hundredth of a cent below. */
export function tickAt(price: number, minTick: number): number {
  return price >= 1 ? minTick : 0.0001;
}

/**
 * A stop price on the tick grid as TWS keeps a trailing stop: a price already on the grid stays, anything between
 * two ticks goes to the one away from the market (down for a sell stop, up for a buy stop), so the stop never
 * trails closer than the order asks.
 */
export function stopOnGrid(stop: number, side: OrderSide, minTick: number): number {
  const tick = tickAt(stop, minTick);
  const ticks = stop / tick;
  const nearest = Math.round(ticks);
  const whole =
    Math.abs(ticks - nearest) < 1e-6 ? nearest : side === OrderSide.Sell ? Math.floor(ticks) : Math.ceil(ticks);
  // Clears the float noise of whole × tick (54.11 rather than 54.110000000000006).
  return Math.round(whole * tick * 1e8) / 1e8;
}

/**
 * The stop a trailing order starts with when it is accepted with the market at `market`: the trail from that price,
 * on the grid; undefined when the order brings its own initial stop or there is no price yet.
 */
export function initialTrailStop(request: OrderRequest, market: number, minTick: number): number | undefined {
  if (request.stopPrice !== undefined || !Number.isFinite(market)) return undefined;
  return stopOnGrid(trailStopFrom(termsOf(request), market), request.side, minTick);
}
