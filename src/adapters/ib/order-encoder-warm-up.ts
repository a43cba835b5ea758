import { IBApi } from '@stoqey/ib';
import { OrderSide, OrderType, type OrderRequest } from '../../domain/order.js';
import { useFastFraming } from './ib-wire.js';
import { ibContractOf, toIbOrder } from './ib-order-mapping.js';

/** Throwaway orders encoded: enough for V8 to optimise the encoder for every order type (measured: ~400 calls). */
const ROUNDS = 300;

/** One of each order the node sends: entries, bracket children, stops and trails in both units. */
const SHAPES: readonly Omit<OrderRequest, 'id' | 'createdAt'>[] = [
  { symbol: 'WARM', side: OrderSide.Buy, quantity: 100, type: OrderType.Market, tif: 'DAY', purpose: 'entry' },
  {
    symbol: 'WARM',
    side: OrderSide.Sell,
    quantity: 100,
    type: OrderType.Limit,
    limitPrice: 101.25,
    tif: 'GTC',
    parentId: 1,
    ocaGroup: 'warm',
    purpose: 'take_profit',
  },
  {
    symbol: 'WARM',
    side: OrderSide.Sell,
    quantity: 100,
    type: OrderType.Stop,
    stopPrice: 95.5,
    tif: 'GTC',
    parentId: 1,
    ocaGroup: 'warm',
    purpose: 'stop_loss',
  },
  {
    symbol: 'WARM',
    side: OrderSide.Sell,
    quantity: 100,
    type: OrderType.TrailingStop,
    trailAmount: 1.5,
    tif: 'GTC',
    purpose: 'stop_loss',
  },
  {
    symbol: 'WARM',
    side: OrderSide.Buy,
    quantity: 100,
    type: OrderType.TrailingStop,
    trailPercent: 2.5,
    tif: 'GTC',
    purpose: 'stop_loss',
  },
  { symbol: 'WARM', side: OrderSide.Sell, quantity: 100, type: OrderType.Market, tif: 'DAY', purpose: 'exit' },
];

const WARM_CONTRACT = {
  conId: 1,
  symbol: 'WARM',
  secType: 'STK',
  exchange: 'SMART',
  primaryExch: 'NASDAQ',
  currency: 'USD',
};

let warmedFor = 0;

/**
 * V8 optimises a function only after it has run some hundreds of times, and a session places a few dozen orders an
 * hour: IBApi's placeOrder encoder — one long function — would stay in the interpreter for the whole session, at
 * about 250 µs per order instead of about 20 µs once optimised (measured on this machine). So before the first
 * real order, throwaway orders of every type are encoded on an IBApi that is never connected, into bytes that are
 * dropped: the same code, optimised for the same server version and order shapes. Once per process (~70 ms).
 */
export function warmOrderEncoder(serverVersion: number): void {
  if (serverVersion === 0 || warmedFor === serverVersion) return;
  warmedFor = serverVersion;
  const api = new IBApi({ port: 0, maxReqPerSec: Number.MAX_SAFE_INTEGER });
  // Only the outgoing path matters here; the live connection frames its messages the same way.
  useFastFraming(api);
  const { controller } = api as unknown as {
    controller: { resume(): void; socket: { _serverVersion: number; _status: number; client: unknown } };
  };
  // As after a handshake: the encoder checks the server version, IBApi's command queue the status (3: connected).
  controller.socket._serverVersion = serverVersion;
  controller.socket._status = 3;
  controller.socket.client = { write: () => true };
  controller.resume();
  const contract = ibContractOf(WARM_CONTRACT);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, shape] of SHAPES.entries()) {
      const order = toIbOrder(
        { ...shape, id: round * SHAPES.length + i + 1, createdAt: 0 },
        { account: 'DU0000000', minTick: 0.01, transmit: i !== 1 },
      );
      api.placeOrder(round * SHAPES.length + i + 1, contract, order);
    }
  }
  api.removeAllListeners();
}
