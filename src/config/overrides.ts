import { excerpt } from './bounded-text.js';

/** One command-line value to write into the raw config before validation. */
export interface ConfigOverride {
  /** Key path in the config, e.g. ['backtest', 'slippage_bps']. */
  readonly path: readonly string[];
  readonly value: unknown;
  /** The flag it came from, named in validation errors (e.g. `--slippage-bps`). */
  readonly flag: string;
  /**
   * How validation errors name the value when `flag (key)` would name a key nobody wrote: `--param n` for the
   * strategy `--strategy ./s.ts` gives by its path, rather than `--param (strategies../s.ts.params.n)`.
   */
  readonly label?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Sets an own, plain data property. `node[key] = value` would not for every key: `__proto__` would change the
 * object's prototype (dropping the value silently), so validation could not see and refuse it.
 */
function define(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The mapping at `keys` below `node`, created where missing; undefined where a value on the way is not a mapping. */
function sectionAt(node: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> | undefined {
  let section = node;
  for (const key of keys) {
    const child = Object.hasOwn(section, key) ? section[key] : undefined;
    if (child === undefined) {
      const created: Record<string, unknown> = {};
      define(section, key, created);
      section = created;
    } else if (isRecord(child)) {
      section = child;
    } else {
      return undefined;
    }
  }
  return section;
}

/**
 * Returns a copy of `raw` (a mapping, as readConfigFile returns) with the overrides written in; the input is left
 * untouched. Only own keys are followed, so a key such as `__proto__` or `constructor` is written as a key, never
 * into a prototype. A value on the way that is not a mapping (`backtest: 5`, `backtest:` left empty) is left as the
 * file has it, for validation to report as it would without the flag, instead of being replaced by the flag's value.
 */
export function applyOverrides(raw: Readonly<Record<string, unknown>>, overrides: readonly ConfigOverride[]): unknown {
  const root = structuredClone(raw) as Record<string, unknown>;
  for (const { path, value } of overrides) {
    const last = path.at(-1);
    const section = sectionAt(root, path.slice(0, -1));
    if (last !== undefined && section !== undefined) define(section, last, value);
  }
  return root;
}

/**
 * Reads a flag's text as a number when it is one in decimal notation ("12", "-0.5", "1e6"), so that validation
 * reports a bad number against its key. Number() alone would also read "0x10" as 16 and "" as 0.
 */
export function numericText(text: string): number | string {
  const trimmed = text.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) && Number.isFinite(Number(trimmed))
    ? Number(trimmed)
    : text;
}

/** Key path → how validation errors name the value a flag set: `--flag (key)`, or the override's label. */
export function flagLabels(overrides: readonly ConfigOverride[]): ReadonlyMap<string, string> {
  return new Map(
    overrides.map((o) => {
      const key = o.path.join('.');
      return [key, o.label ?? `${o.flag} (${excerpt(key, 100)})`];
    }),
  );
}
