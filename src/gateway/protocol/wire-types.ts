/** A contract as API clients describe it on the wire (IB's Contract, the fields the gateway reads). */
export interface WireContract {
  readonly conId: number;
  readonly symbol: string;
  readonly secType: string;
  readonly lastTradeDateOrContractMonth: string;
  readonly strike: number;
  readonly right: string;
  readonly multiplier: string;
  readonly exchange: string;
  readonly primaryExchange: string;
  readonly currency: string;
  readonly localSymbol: string;
  readonly tradingClass: string;
}

/** One order condition; the gateway reads them to keep the message aligned and refuses conditional orders. */
export interface WireOrderCondition {
  readonly type: number;
  readonly conjunction: string;
}

/** The fields of IB's Order the gateway acts on or echoes back in openOrder. */
export interface WireOrder {
  readonly action: string;
  readonly totalQuantity: number;
  readonly orderType: string;
  readonly lmtPrice: number | undefined;
  readonly auxPrice: number | undefined;
  readonly tif: string;
  readonly ocaGroup: string;
  readonly account: string;
  readonly openClose: string;
  readonly origin: number;
  readonly orderRef: string;
  readonly transmit: boolean;
  readonly parentId: number;
  readonly outsideRth: boolean;
  readonly hidden: boolean;
  readonly displaySize: number | undefined;
  readonly goodAfterTime: string;
  readonly goodTillDate: string;
  readonly ocaType: number;
  readonly allOrNone: boolean;
  readonly minQty: number | undefined;
  readonly trailStopPrice: number | undefined;
  readonly trailingPercent: number | undefined;
  readonly whatIf: boolean;
  readonly algoStrategy: string;
  readonly conditions: readonly WireOrderCondition[];
  readonly cashQty: number | undefined;
  readonly modelCode: string;
}

/** reqExecutions' filter; empty fields and clientId 0 match everything. */
export interface WireExecutionFilter {
  readonly clientId: number;
  readonly account: string;
  /** "yyyyMMdd-HH:mm:ss" (UTC) or "yyyyMMdd HH:mm:ss[ zone]"; executions at or after it match. */
  readonly time: string;
  readonly symbol: string;
  readonly secType: string;
  readonly exchange: string;
  readonly side: string;
}
