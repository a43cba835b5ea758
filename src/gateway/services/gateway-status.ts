/** The data farms TWS reports on, by their usual US names. */
export const Farm = { MarketData: 'usfarm', Historical: 'ushmds', SecDef: 'secdefnj' } as const;
export type Farm = (typeof Farm)[keyof typeof Farm];

/** Connectivity as faults have set it; read by the services before serving data. */
export class GatewayStatus {
  /** IB ↔ TWS connectivity (1100 lost / 1101, 1102 restored). */
  connected = true;
  private readonly down = new Set<Farm>();

  farmUp(farm: Farm): boolean {
    return !this.down.has(farm);
  }

  setFarm(farm: Farm, up: boolean): void {
    if (up) this.down.delete(farm);
    else this.down.add(farm);
  }

  /** Live market data flows only with connectivity and the market data farm up. */
  get marketDataFlows(): boolean {
    return this.connected && this.farmUp(Farm.MarketData);
  }

  get historicalAvailable(): boolean {
    return this.connected && this.farmUp(Farm.Historical);
  }
}
