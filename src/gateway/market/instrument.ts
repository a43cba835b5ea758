/** Security types the gateway lists: stocks it trades and indexes it only quotes. */
export type InstrumentSecType = 'STK' | 'IND';

/** One contract the gateway knows, with everything reqContractDetails reports about it. */
export interface Instrument {
  readonly conId: number;
  readonly symbol: string;
  readonly secType: InstrumentSecType;
  /** Routing exchange reported in contract details (SMART for stocks, the listing exchange for indexes). */
  readonly exchange: string;
  readonly primaryExchange: string;
  readonly currency: string;
  readonly minTick: number;
  readonly longName: string;
  readonly industry: string;
  readonly category: string;
  readonly subcategory: string;
  readonly stockType: string;
  /** IB's market rule id for the price increments (26: 0.01 for US stocks). */
  readonly marketRuleId: number;
}
