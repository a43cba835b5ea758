/** What a strategy advises; the portfolio and risk rules decide whether and how much to trade. */
export const SignalDirection = { Long: 'LONG', Short: 'SHORT', Exit: 'EXIT' } as const;
export type SignalDirection = (typeof SignalDirection)[keyof typeof SignalDirection];

export interface Signal {
  readonly strategyId: string;
  readonly symbol: string;
  readonly direction: SignalDirection;
  /**
   * The close the strategy decided on. Entries are sized and checked at the market price the engine marked from that
   * bar, not at this number (see the router's marketPrice); a loaded strategy's entry must lie within its bar's range.
   */
  readonly price: number;
  /** Protective stop for an entry (price − k·ATR for longs); NaN when the strategy has no ATR yet. */
  readonly stopPrice: number;
  /** ATR at decision time; NaN before the ATR is warm. */
  readonly atr: number;
  /** 0..1, how strongly the strategy means it (1 for the crossover and RSI strategies). */
  readonly strength: number;
}
