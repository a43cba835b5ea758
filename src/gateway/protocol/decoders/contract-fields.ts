import type { FieldReader } from '../field-reader.js';
import type { WireContract } from '../wire-types.js';

/**
 * The contract fields every request carries in the same order (conId through tradingClass); the fields that
 * follow differ per message and are read by the message's decoder.
 */
export function readContract(reader: FieldReader): WireContract {
  return {
    conId: reader.int(),
    symbol: reader.str(),
    secType: reader.str(),
    lastTradeDateOrContractMonth: reader.str(),
    strike: reader.double(),
    right: reader.str(),
    multiplier: reader.str(),
    exchange: reader.str(),
    primaryExchange: reader.str(),
    currency: reader.str(),
    localSymbol: reader.str(),
    tradingClass: reader.str(),
  };
}

/**
 * Steps over a counted list (a count, then that many items of `fieldsPerItem` fields): combo legs of a BAG
 * contract, algo parameters and the like, which the gateway does not use but must read past.
 */
export function skipList(reader: FieldReader, fieldsPerItem: number): void {
  const count = reader.int();
  reader.skip(count * fieldsPerItem);
}

export function isBag(contract: WireContract): boolean {
  return contract.secType.toUpperCase() === 'BAG';
}
