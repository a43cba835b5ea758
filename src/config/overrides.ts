/** One command-line value to write into the raw config before validation. */
export interface ConfigOverride {
  /** Key path in the config, e.g. ['backtest', 'slippage_bps']. */
  readonly path: readonly string[];
  readonly value: unknown;
  /** The flag it came from, named in validation errors (e.g. `--slippage-bps`). */
  readonly flag: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Returns a copy of `raw` with the overrides written in; the input is left untouched. */
export function applyOverrides(raw: unknown, overrides: readonly ConfigOverride[]): unknown {
  const root: Record<string, unknown> = isRecord(raw) ? structuredClone(raw) : {};
  for (const { path, value } of overrides) {
    let node = root;
    for (const key of path.slice(0, -1)) {
      const child = node[key];
      if (!isRecord(child)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const last = path.at(-1);
    if (last !== undefined) node[last] = value;
  }
  return root;
}

/** Reads a flag's text as a number when it is one, so that validation reports a bad number against its key. */
export function numericText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
}

/** Key path → flag, for naming flags in validation errors. */
export function flagLabels(overrides: readonly ConfigOverride[]): ReadonlyMap<string, string> {
  return new Map(overrides.map((o) => [o.path.join('.'), o.flag]));
}
