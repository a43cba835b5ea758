/** IB message codes the live path acts on (IB's message_codes page; see also IB-NOTES in the design docs). */
export const IbCode = {
  OrderRejected: 201,
  OrderCancelled: 202,
  DuplicateOrderId: 103,
  NoSecurityDefinition: 200,
  HistoricalPacing: 162,
  ClientIdInUse: 326,
  AlreadyConnected: 501,
  CannotConnect: 502,
  NotConnected: 504,
  ConnectivityLost: 1100,
  RestoredDataLost: 1101,
  RestoredDataKept: 1102,
  MarketFarmBroken: 2103,
  MarketFarmOk: 2104,
  HistoricalFarmBroken: 2105,
  HistoricalFarmOk: 2106,
  MarketFarmInactive: 2107,
  HistoricalFarmInactive: 2108,
  TwsServerBroken: 2110,
  SecDefFarmOk: 2158,
  CompetingSession: 10197,
} as const;

/** What a connectivity notice means for trading. */
export type ConnectivityNotice =
  | { readonly kind: 'lost' }
  | { readonly kind: 'restored'; readonly dataLost: boolean }
  | { readonly kind: 'farm'; readonly farm: 'market' | 'historical'; readonly ok: boolean; readonly name: string };

/** The connectivity meaning of a code, or undefined for codes that are not about connectivity. */
export function connectivityNotice(code: number, message: string): ConnectivityNotice | undefined {
  switch (code) {
    case IbCode.ConnectivityLost:
    case IbCode.TwsServerBroken:
      return { kind: 'lost' };
    case IbCode.RestoredDataLost:
      return { kind: 'restored', dataLost: true };
    case IbCode.RestoredDataKept:
      return { kind: 'restored', dataLost: false };
    case IbCode.MarketFarmBroken:
      return { kind: 'farm', farm: 'market', ok: false, name: farmName(message) };
    case IbCode.MarketFarmOk:
      return { kind: 'farm', farm: 'market', ok: true, name: farmName(message) };
    case IbCode.HistoricalFarmBroken:
      return { kind: 'farm', farm: 'historical', ok: false, name: farmName(message) };
    case IbCode.HistoricalFarmOk:
      return { kind: 'farm', farm: 'historical', ok: true, name: farmName(message) };
    default:
      return undefined;
  }
}

/** "Market data farm connection is OK:usfarm" → "usfarm". */
function farmName(message: string): string {
  const colon = message.lastIndexOf(':');
  return colon >= 0 ? message.slice(colon + 1).trim() : message;
}

/**
 * Notices that need no action: farm inactivity (2107/2108, normal when idle), the sec-def farm OK (2158) and other
 * 21xx informational codes that are not about a farm breaking.
 */
export function isInformational(code: number): boolean {
  return code >= 2100 && code < 2200 && connectivityNotice(code, '') === undefined && code !== IbCode.TwsServerBroken;
}
