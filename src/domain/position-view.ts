/** What strategies may know about holdings: the signed shares held in a symbol now (0 when flat, < 0 when short). */
export interface PositionView {
  quantity(symbol: string): number;
}
