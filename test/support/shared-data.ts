import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The real daily bars beside the repository (never copied into it); absent on a bare clone. */
export const SHARED_DAILY_DIR = join(REPO_ROOT, '..', 'shared', 'data', 'daily');

export const hasSharedData =
  existsSync(join(SHARED_DAILY_DIR, 'ORCL.csv')) && existsSync(join(SHARED_DAILY_DIR, 'NVDA.csv'));

if (!hasSharedData) {
  console.warn(`shared market data not found at ${SHARED_DAILY_DIR}: tests on real data are skipped`);
}
