import { numericText } from '../config/overrides.js';
import { OptimizeConfigError } from './optimize-error.js';

/** Parameter name → the values to try, in the order given. */
export type ParamGrid = Readonly<Record<string, readonly number[]>>;
export type ParamSet = Readonly<Record<string, number>>;

/** The most combinations one grid may have: beyond it a typo (a step of 0.001) would run for days. */
export const MAX_COMBINATIONS = 1_000_000;

/** A value in decimal notation, as --param reads one (see numericText): not "0x5", "", "Infinity". */
function number(text: string, flag: string): number {
  const value = numericText(text);
  if (typeof value !== 'number') throw new OptimizeConfigError(`${flag}: "${text}" is not a number`);
  return value;
}

/** `start:stop:step` (stop included when the steps reach it) or a list `a,b,c`. */
export function parseRange(text: string, flag: string): number[] {
  const parts = text.split(':');
  if (parts.length === 1) return text.split(',').map((part) => number(part, flag));
  if (parts.length !== 3) throw new OptimizeConfigError(`${flag}: expected start:stop:step or a list a,b,c`);
  const [start, stop, step] = parts.map((part) => number(part, flag)) as [number, number, number];
  return stepRange(start, stop, step, flag);
}

/** start, start + step, … up to stop (included when the steps reach it); `flag` names the source in errors. */
export function stepRange(start: number, stop: number, step: number, flag: string): number[] {
  if (!(step > 0)) throw new OptimizeConfigError(`${flag}: step ${step} must be > 0`);
  if (stop < start) throw new OptimizeConfigError(`${flag}: stop ${stop} is below start ${start}`);
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > MAX_COMBINATIONS) throw new OptimizeConfigError(`${flag}: ${count} values, at most ${MAX_COMBINATIONS}`);
  // Each value from start and its index, so that steps like 0.1 do not accumulate rounding.
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

/** `--grid name=range` flags as a grid; a name given twice is refused. */
export function parseGridFlags(flags: readonly string[]): Record<string, number[]> {
  const grid: Record<string, number[]> = {};
  for (const flag of flags) {
    const match = /^([A-Za-z_]\w*)=(.+)$/.exec(flag);
    if (match === null) throw new OptimizeConfigError(`--grid ${flag}: expected name=start:stop:step or name=a,b,c`);
    const name = match[1]!;
    if (Object.hasOwn(grid, name)) throw new OptimizeConfigError(`--grid ${name}: given twice`);
    grid[name] = parseRange(match[2]!, `--grid ${name}`);
  }
  return grid;
}

/**
 * Every combination of the grid's values, the last parameter varying fastest (the order of optimize.csv's rows).
 * Duplicated values are tried once.
 */
export function gridCombinations(grid: ParamGrid): ParamSet[] {
  const names = Object.keys(grid);
  if (names.length === 0) {
    throw new OptimizeConfigError(
      'backtest.walk_forward.param_grid is empty and the strategy declares no parameter with min, max and step: give parameter ranges there or with --grid name=start:stop:step',
    );
  }
  const values = names.map((name) => {
    const list = [...new Set(grid[name])];
    if (list.length === 0) throw new OptimizeConfigError(`backtest.walk_forward.param_grid.${name}: no values`);
    return list;
  });
  const total = values.reduce((n, list) => n * list.length, 1);
  if (total > MAX_COMBINATIONS) {
    throw new OptimizeConfigError(`the grid has ${total} combinations, at most ${MAX_COMBINATIONS}`);
  }
  const sets: ParamSet[] = [];
  const index = names.map(() => 0);
  for (let n = 0; n < total; n++) {
    const set: Record<string, number> = {};
    names.forEach((name, k) => (set[name] = values[k]![index[k]!]!));
    sets.push(set);
    for (let k = names.length - 1; k >= 0; k--) {
      if (++index[k]! < values[k]!.length) break;
      index[k] = 0;
    }
  }
  return sets;
}
