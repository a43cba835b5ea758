import type { Instrument } from './instrument.js';
import { KNOWN_INSTRUMENTS, VIX_PROFILE, type InstrumentProfile } from './known-instruments.js';

/** What a request names; empty fields and conId 0 match anything. */
export interface ContractQuery {
  readonly conId: number;
  readonly symbol: string;
  readonly secType: string;
  readonly exchange: string;
  readonly primaryExchange: string;
  readonly currency: string;
  readonly localSymbol: string;
}

/** Reference data overriding the defaults for one symbol (from the data directory's contracts file). */
export type InstrumentOverride = Partial<Omit<Instrument, 'symbol' | 'secType'>>;

const UNCLASSIFIED: Omit<InstrumentProfile, 'conId'> = {
  longName: '',
  primaryExchange: 'NASDAQ',
  industry: 'Unclassified',
  category: 'Unclassified',
  subcategory: 'Unclassified',
  stockType: 'COMMON',
};

/** A stable conId for a symbol the reference table does not list (FNV-1a, kept clear of small real ids). */
function derivedConId(symbol: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193);
  return 600_000_000 + ((h >>> 0) % 300_000_000);
}

/** The contracts the gateway lists: one stock per data symbol, plus the volatility index. */
export class ContractRegistry {
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly byConId = new Map<number, Instrument>();

  constructor(
    stockSymbols: readonly string[],
    indexSymbols: readonly string[],
    overrides: ReadonlyMap<string, InstrumentOverride> = new Map(),
  ) {
    for (const symbol of stockSymbols) this.register(stockInstrument(symbol, overrides.get(symbol)));
    for (const symbol of indexSymbols) this.register(indexInstrument(symbol, overrides.get(symbol)));
  }

  bySymbolName(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol.toUpperCase());
  }

  /**
   * The instrument a request names, as TWS resolves contract details (conId first, then the fields given); every
   * listed symbol is one instrument, so a request matches one or none.
   */
  find(query: ContractQuery): Instrument | undefined {
    if (query.conId > 0) {
      const found = this.byConId.get(query.conId);
      return found !== undefined && this.matches(found, query, false) ? found : undefined;
    }
    const symbol = (query.symbol || query.localSymbol).toUpperCase();
    const found = symbol === '' ? undefined : this.bySymbol.get(symbol);
    return found !== undefined && this.matches(found, query, true) ? found : undefined;
  }

  private matches(instrument: Instrument, query: ContractQuery, checkSymbol: boolean): boolean {
    const secType = query.secType.toUpperCase();
    if (secType !== '' && secType !== instrument.secType) return false;
    if (checkSymbol && query.symbol !== '' && query.symbol.toUpperCase() !== instrument.symbol) return false;
    const currency = query.currency.toUpperCase();
    if (currency !== '' && currency !== instrument.currency) return false;
    const exchange = query.exchange.toUpperCase();
    if (exchange !== '' && !this.routableTo(instrument, exchange)) return false;
    const primary = query.primaryExchange.toUpperCase();
    return primary === '' || primary === instrument.primaryExchange || instrument.secType === 'IND';
  }

  private routableTo(instrument: Instrument, exchange: string): boolean {
    if (instrument.secType === 'IND') return exchange === instrument.exchange;
    return exchange === 'SMART' || exchange === instrument.primaryExchange || exchange === 'ISLAND';
  }

  private register(instrument: Instrument): void {
    let conId = instrument.conId;
    while (this.byConId.has(conId)) conId++;
    const entry = conId === instrument.conId ? instrument : { ...instrument, conId };
    this.bySymbol.set(entry.symbol, entry);
    this.byConId.set(entry.conId, entry);
  }
}

function stockInstrument(symbol: string, override: InstrumentOverride | undefined): Instrument {
  const known = KNOWN_INSTRUMENTS.get(symbol);
  const profile = known ?? { ...UNCLASSIFIED, conId: derivedConId(symbol), longName: symbol };
  return {
    conId: profile.conId,
    symbol,
    secType: 'STK',
    exchange: 'SMART',
    primaryExchange: profile.primaryExchange,
    currency: 'USD',
    minTick: 0.01,
    longName: profile.longName,
    industry: profile.industry,
    category: profile.category,
    subcategory: profile.subcategory,
    stockType: profile.stockType,
    marketRuleId: 26,
    ...override,
  };
}

function indexInstrument(symbol: string, override: InstrumentOverride | undefined): Instrument {
  const vix = symbol === VIX_PROFILE.symbol;
  return {
    conId: vix ? VIX_PROFILE.conId : derivedConId(symbol),
    symbol,
    secType: 'IND',
    exchange: vix ? VIX_PROFILE.exchange : 'CBOE',
    primaryExchange: vix ? VIX_PROFILE.exchange : 'CBOE',
    currency: 'USD',
    minTick: 0.01,
    longName: vix ? VIX_PROFILE.longName : symbol,
    industry: 'Indices',
    category: 'Volatility Index',
    subcategory: '',
    stockType: '',
    marketRuleId: 110,
    ...override,
  };
}
