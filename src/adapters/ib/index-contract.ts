import { SecType, type Contract } from '@stoqey/ib';

/** The exchange IB lists CBOE's indexes on (VIX among them). */
export const INDEX_EXCHANGE = 'CBOE';

/** An index contract (secType IND), as IB names VIX: symbol VIX on CBOE in USD. */
export function indexContract(symbol: string, currency: string, exchange = INDEX_EXCHANGE): Contract {
  return { symbol, secType: SecType.IND, exchange, currency };
}
