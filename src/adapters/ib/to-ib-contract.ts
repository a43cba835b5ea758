import { SecType, type Contract } from '@stoqey/ib';
import type { ContractSpec } from './qualified-contract.js';

const SEC_TYPES: ReadonlyMap<string, SecType> = new Map(Object.values(SecType).map((t) => [t, t]));

/** The @stoqey/ib contract of a qualified stock: the same fields, the security type as the library's enum. */
export function toIbContract(spec: ContractSpec): Contract {
  const secType = SEC_TYPES.get(spec.secType);
  if (secType === undefined) throw new RangeError(`${spec.symbol}: unknown security type ${spec.secType}`);
  return {
    conId: spec.conId,
    symbol: spec.symbol,
    secType,
    exchange: spec.exchange,
    primaryExch: spec.primaryExch,
    currency: spec.currency,
  };
}
