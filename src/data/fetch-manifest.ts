import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';

/** The manifest's name inside the download directory. */
export const FETCH_MANIFEST_NAME = '.fetch-manifest.json';

/** What was asked for a symbol: a later run with the same parameters resumes or skips it. */
export interface FetchParameters {
  readonly barSize: string;
  readonly duration: string;
  /** The end as given (`YYYY-MM-DD[ HH:MM:SS]`), null for "now". */
  readonly end: string | null;
  /** The end the download ran to (exchange time, `YYYY-MM-DD HH:MM:SS`): "now" fixed at the first run. */
  readonly resolvedEnd: string;
  readonly whatToShow: string;
  readonly useRth: boolean;
}

/** How far a symbol's download got. */
export interface FetchEntry extends FetchParameters {
  readonly status: 'partial' | 'complete';
  /** Requests in the plan, and how many of them (oldest first) are in the partial file. */
  readonly chunks: number;
  readonly chunksDone: number;
  /** Length of the partial file after the last complete chunk: anything beyond is a chunk cut short. */
  readonly partialBytes: number;
  readonly bars: number;
}

const entrySchema = z.object({
  barSize: z.string(),
  duration: z.string(),
  end: z.nullable(z.string()),
  resolvedEnd: z.string(),
  whatToShow: z.string(),
  useRth: z.boolean(),
  status: z.enum(['partial', 'complete']),
  chunks: z.int().check(z.minimum(0)),
  chunksDone: z.int().check(z.minimum(0)),
  partialBytes: z.int().check(z.minimum(0)),
  bars: z.int().check(z.minimum(0)),
});

const manifestSchema = z.object({
  format: z.literal(1),
  symbols: z.record(z.string(), entrySchema),
});

/** Whether two runs asked for the same thing (the resolved end aside). */
export function sameRequest(a: Omit<FetchParameters, 'resolvedEnd'>, b: Omit<FetchParameters, 'resolvedEnd'>): boolean {
  return (
    a.barSize === b.barSize &&
    a.duration === b.duration &&
    a.end === b.end &&
    a.whatToShow === b.whatToShow &&
    a.useRth === b.useRth
  );
}

/**
 * `DIR/.fetch-manifest.json`: per symbol, the parameters of its download and how far it got. Rewritten whole after
 * every chunk through a temporary file and a rename, so a run killed at any moment leaves the old or the new
 * manifest, never half of one.
 */
export class FetchManifest {
  private readonly entries: Map<string, FetchEntry>;

  private constructor(
    readonly path: string,
    entries: Map<string, FetchEntry>,
    /** Why an existing manifest was ignored, if it was. */
    readonly problem: string | undefined,
  ) {
    this.entries = entries;
  }

  /** The directory's manifest; empty when there is none, or when it cannot be read (then `problem` says why). */
  static open(directory: string): FetchManifest {
    const path = join(directory, FETCH_MANIFEST_NAME);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      return new FetchManifest(path, new Map(), missing ? undefined : `cannot read ${path}: ${String(error)}`);
    }
    try {
      const parsed = manifestSchema.parse(JSON.parse(text));
      return new FetchManifest(path, new Map(Object.entries(parsed.symbols)), undefined);
    } catch {
      return new FetchManifest(path, new Map(), `${path} is not a fetch manifest; starting afresh`);
    }
  }

  get(symbol: string): FetchEntry | undefined {
    return this.entries.get(symbol);
  }

  set(symbol: string, entry: FetchEntry): void {
    this.entries.set(symbol, entry);
    this.save();
  }

  private save(): void {
    const symbols = Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ format: 1, symbols }, null, 2)}\n`);
    renameSync(temporary, this.path);
  }
}
