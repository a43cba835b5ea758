import type { Instrument } from '../../market/instrument.js';
import { FieldWriter } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';
import { ServerVersion } from '../server-versions.js';

/** One execution as EXECUTION_DATA reports it. */
export interface ExecutionView {
  readonly orderId: number;
  readonly clientId: number;
  readonly permId: number;
  readonly instrument: Instrument;
  readonly execId: string;
  /** "yyyyMMdd HH:mm:ss zone" */
  readonly time: string;
  readonly account: string;
  readonly exchange: string;
  /** BOT or SLD */
  readonly side: 'BOT' | 'SLD';
  readonly shares: number;
  readonly price: number;
  readonly cumQty: number;
  readonly avgPrice: number;
  readonly orderRef: string;
  readonly modelCode: string;
  /** 1 added liquidity, 2 removed, 3 routed out. */
  readonly lastLiquidity: number;
}

/** EXECUTION_DATA (11) without message version (server ≥ LAST_LIQUIDITY). `reqId` is -1 for live fills. */
export function encodeExecutionData(version: number, reqId: number, e: ExecutionView): Buffer {
  const c = e.instrument;
  const w = new FieldWriter(ServerMessageId.ExecutionData).int(reqId).int(e.orderId);
  w.int(c.conId).str(c.symbol).str(c.secType).str('').double(0).str('').str('');
  w.str(e.exchange).str(c.currency).str(c.symbol).str('NMS');
  w.str(e.execId).str(e.time).str(e.account).str(e.exchange).str(e.side);
  w.decimal(e.shares).double(e.price).int(e.permId).int(e.clientId).int(0); // liquidation
  w.decimal(e.cumQty).double(e.avgPrice).str(e.orderRef);
  w.str('').double(0); // evRule, evMultiplier
  w.str(e.modelCode).int(e.lastLiquidity);
  if (version >= ServerVersion.PendingPriceRevision) w.bool(false);
  return w.toBuffer();
}

export function encodeExecutionDataEnd(reqId: number): Buffer {
  return new FieldWriter(ServerMessageId.ExecutionDataEnd).int(1).int(reqId).toBuffer();
}

export interface CommissionView {
  readonly execId: string;
  readonly commission: number;
  readonly currency: string;
  /** Realized P&L of a closing execution; undefined (sent as Double.MAX_VALUE) for an opening one. */
  readonly realizedPnl: number | undefined;
}

/** COMMISSION_REPORT (59). */
export function encodeCommissionReport(c: CommissionView): Buffer {
  return new FieldWriter(ServerMessageId.CommissionReport)
    .int(1)
    .str(c.execId)
    .double(c.commission)
    .str(c.currency)
    .doubleOrMax(c.realizedPnl)
    .doubleOrMax(undefined)
    .int(0)
    .toBuffer();
}
