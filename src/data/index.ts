export { resolveBarFiles, timeRange, type BarFile, type TimeRangeOptions } from './bar-files.js';
export { BarSeriesBuilder } from './bar-series-builder.js';
export type { BarSink } from './bar-sink.js';
export { BarStreamTimeline, type BarCursor } from './bar-stream-timeline.js';
export { BarTimeline } from './bar-timeline.js';
export { BarWindow } from './bar-window.js';
export {
  daysFromCivil,
  isCalendarDate,
  isLeapYear,
  isWeekend,
  timeBound,
  weekday,
  weekdayOnOrAfter,
} from './civil-date.js';
export { CsvBarStream, DEFAULT_CHUNK_BYTES, type CsvBarStreamOptions } from './csv-bar-stream.js';
export { CsvDataError, type SkippedRow } from './csv-data-error.js';
export { generateMinuteSeries, MINUTES_PER_SESSION, type MinuteSeriesOptions } from './generate-minute-series.js';
export {
  DEFAULT_SAMPLE_DAYS,
  DEFAULT_SAMPLE_SEED,
  DEFAULT_SAMPLE_START,
  DEFAULT_SAMPLE_SYMBOLS,
  generateSampleSeries,
  SAMPLE_BENCHMARK_SYMBOL,
  type SampleSeriesOptions,
} from './generate-sample-series.js';
export { loadBarDirectory, type LoadBarDirectoryOptions, type LoadedDirectory } from './load-bar-directory.js';
export { loadBarFile, type LoadBarFileOptions, type LoadedSeries } from './load-bar-file.js';
export { openBarStreams, type OpenBarStreamsOptions } from './open-bar-streams.js';
export { SeededRandom } from './seeded-random.js';
export { compactBarSeries, lowerBound, sliceBarSeries, sliceBarSeriesByTime, upperBound } from './slice-bar-series.js';
export { formatBarCsv, writeBarCsv } from './write-bar-csv.js';
export { writeSampleData } from './write-sample-data.js';
