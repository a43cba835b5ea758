import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is at <repo>/test/data/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Real daily bars shared next to the repository, never copied into it. */
export const SHARED_DAILY_DIR = resolve(REPO_ROOT, '../shared/data/daily');

export const HAS_SHARED_DATA =
  existsSync(join(SHARED_DAILY_DIR, 'ORCL.csv')) && existsSync(join(SHARED_DAILY_DIR, 'NVDA.csv'));

/** Suite title that says why it is skipped when the shared data is absent. */
export function sharedDataTitle(title: string): string {
  return HAS_SHARED_DATA ? title : `${title} (skipped: ${SHARED_DAILY_DIR} with ORCL.csv and NVDA.csv not found)`;
}
