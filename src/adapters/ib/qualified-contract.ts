/**
 * The fields of an IB contract that requests name once a symbol is qualified: the conId makes the contract
 * unambiguous, the primary exchange keeps SMART routing from picking a namesake listing. A plain object (no
 * @stoqey/ib types) so that code outside the adapter can hold it; `toIbContract` turns it into the library's type.
 */
export interface ContractSpec {
  readonly conId: number;
  readonly symbol: string;
  /** 'STK' (a plain string, so that the adapter's @stoqey/ib variant can narrow it to the library's enum). */
  readonly secType: string;
  readonly exchange: string;
  readonly primaryExch: string;
  readonly currency: string;
}

/** A stock as IB's contract details describe it. */
export interface QualifiedContract {
  readonly symbol: string;
  readonly conId: number;
  /** The routing exchange requests use (SMART). */
  readonly exchange: string;
  /** The listing exchange (NASDAQ, NYSE, ARCA, …). */
  readonly primaryExchange: string;
  readonly currency: string;
  readonly minTick: number;
  readonly longName: string;
  readonly industry: string;
  readonly category: string;
  readonly subcategory: string;
  /** IB's session texts ("20240105:0930-20240105:1600;20240106:CLOSED"), when TWS sends them. */
  readonly tradingHours?: string;
  readonly liquidHours?: string;
  /** The zone of the session texts as IB names it ("US/Eastern"); empty when not given. */
  readonly timeZoneId: string;
  /** What to send in later requests for this stock. */
  readonly contract: ContractSpec;
}
