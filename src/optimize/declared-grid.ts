import type { StrategyFactory } from '../strategy/load-strategy.js';
import { stepRange, type ParamGrid } from './param-grid.js';

/**
 * The grid to search: the one given (`--grid`, `backtest.walk_forward.param_grid`), or else the strategy's own
 * declarations — min:max:step of every parameter that declares all three (the others keep their values).
 */
export function studyGrid(given: ParamGrid, strategy: StrategyFactory): ParamGrid {
  if (Object.keys(given).length > 0) return given;
  const grid: Record<string, number[]> = {};
  for (const p of strategy.params) {
    if (p.min === undefined || p.max === undefined || p.step === undefined) continue;
    grid[p.name] = stepRange(p.min, p.max, p.step, `strategy ${strategy.id}: parameter ${p.name}`);
  }
  return grid;
}
