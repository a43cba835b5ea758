/** Where parsed bars go: a growing series (`BarSeriesBuilder`) or a stream's reused window (`BarWindow`). */
export interface BarSink {
  push(time: number, open: number, high: number, low: number, close: number, volume: number): void;
}
