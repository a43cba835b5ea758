import type { QualifiedContract } from '../adapters/ib/qualified-contract.js';

/** symbol → sector from IB's contract details: the industry ("Technology"), where TWS gives one. */
export function contractSectors(contracts: ReadonlyMap<string, QualifiedContract>): Record<string, string> {
  const sectors: Record<string, string> = {};
  for (const [symbol, contract] of contracts) if (contract.industry !== '') sectors[symbol] = contract.industry;
  return sectors;
}
