import type { ContractRegistry } from '../market/contract-registry.js';
import type { TradingCalendar } from '../market/exchange-calendar.js';
import type { Instrument } from '../market/instrument.js';
import type { ReplayClock } from '../market/replay-clock.js';
import { encodeContractData, encodeContractDataEnd } from '../protocol/encoders/contracts.js';
import { encodeMarketRule } from '../protocol/encoders/system.js';
import type { WireContract } from '../protocol/wire-types.js';
import type { ClientSession } from '../server/client-session.js';

export const NO_SECURITY_DEFINITION = 'No security definition has been found for the request';

/** The instrument a request names; undefined after answering error 200, as TWS does for an unknown contract. */
export function instrumentFor(
  registry: ContractRegistry,
  session: ClientSession,
  reqId: number,
  contract: WireContract,
): Instrument | undefined {
  const instrument = registry.find(contract);
  if (instrument === undefined) session.sendError(reqId, 200, NO_SECURITY_DEFINITION);
  return instrument;
}

/** IB's market rules for the instruments the gateway lists: price increments by price level. */
const MARKET_RULES: ReadonlyMap<number, readonly (readonly [number, number])[]> = new Map([
  [
    26,
    [
      [0, 0.0001],
      [1, 0.01],
    ] as const,
  ],
  [110, [[0, 0.01]] as const],
]);

/** reqContractDetails and reqMarketRule. */
export class ContractService {
  constructor(
    private readonly registry: ContractRegistry,
    private readonly calendar: TradingCalendar,
    private readonly clock: ReplayClock,
  ) {}

  details(session: ClientSession, reqId: number, contract: WireContract): void {
    const instrument = instrumentFor(this.registry, session, reqId, contract);
    if (instrument === undefined) return;
    const sessions = { timeZoneId: 'US/Eastern', ...this.calendar.sessionTexts(this.clock.now()) };
    session.send(encodeContractData(session.version, reqId, instrument, sessions));
    session.send(encodeContractDataEnd(reqId));
  }

  marketRule(session: ClientSession, ruleId: number): void {
    const increments = MARKET_RULES.get(ruleId);
    if (increments === undefined) {
      session.sendError(-1, 321, `Error validating request.-'bO' : cause - Unknown market rule id ${ruleId}`);
      return;
    }
    session.send(encodeMarketRule(ruleId, increments));
  }
}
