import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { crashHook, parseCrashPoint } from '../journal/crash-points.js';
import { LiveJournal } from '../journal/live-journal.js';
import { accountDigest, isAccount } from '../journal/journal-account.js';
import { journalFiles, journalMeta } from '../journal/open-journal.js';
import { prepareEmbeddedJournal } from '../journal/embedded-journal.js';
import { configHash, programVersion } from '../journal/session-identity.js';
import { maskAccount } from '../live/live-safety.js';
import { liveStrategy } from '../live/live-strategy.js';
import { makeResultDirectory } from '../performance/result-directory.js';

/**
 * The journal file of the configured account: live.journal_file, else journal-<account>.sqlite in the results, the
 * account masked there as everywhere in the results (DU1234567 → journal-DU1___567.sqlite). Two accounts whose
 * masks agree (DU1234567, DU1999567) would share that name: the one that finds it taken by the other gets a name of
 * its own, told apart by a digest of its id that does not give the id away (journal-DU1___567-1f3a9c2e.sqlite). A
 * journal named by the whole account id, as earlier versions named it, is used while it is there, so that its
 * sessions go on.
 */
export function journalPath(config: Config): string {
  if (config.live.journal_file !== null) return config.live.journal_file;
  const account = config.ibkr.account_id;
  const named = (name: string): string =>
    join(config.live.results_directory, `journal-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.sqlite`);
  const unmasked = named(account);
  if (existsSync(unmasked)) return unmasked;
  const masked = named(maskAccount(account));
  const own = named(`${maskAccount(account)}-${accountDigest(account).slice(0, 8)}`);
  const owner = ownerOf(masked);
  return existsSync(own) || (owner !== undefined && !isAccount(owner, account)) ? own : masked;
}

/** The account of the journal at `path`; undefined when there is none or it cannot be read (opening it says why). */
function ownerOf(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return journalMeta(path).get('account');
  } catch {
    return undefined;
  }
}

/** A live session's journal, and how it is closed. */
export interface OpenedLiveJournal {
  readonly journal: LiveJournal;
  /**
   * Closes the journal. One this run created in which no session began (TWS never answered, the account was
   * refused, Ctrl+C while connecting) goes with its side files and the directories made for it, so that a session
   * that never started leaves no journal behind.
   */
  close(): void;
}

/**
 * Opens the live session's journal (refusing a corrupt one, one of a newer schema or another account's, untouched).
 * `crashAt` arms a crash point of the chaos test (ETS_CRASH_AT); `onKept` is told where an earlier journal the
 * embedded gateway's new one does not replace was kept (see prepareEmbeddedJournal).
 */
export function openLiveJournal(
  config: Config,
  crashAt: string | undefined,
  onKept: (kept: string) => void = () => undefined,
): OpenedLiveJournal {
  const path = journalPath(config);
  const created = !existsSync(path);
  const undoDirectory = makeResultDirectory(dirname(path));
  // Without a state file the embedded gateway opens a new paper account on every run: the session starts a new
  // journal, as it starts its results anew (never in place of a journal that is not such a run's). The earlier one
  // is checked now and replaced only when the session begins: a start refused before that leaves it as it was.
  const restart =
    config.ibkr.gateway === 'embedded' && config.ibkr.embedded.state_file === null
      ? prepareEmbeddedJournal(path, config.ibkr.account_id)
      : undefined;
  const crash = crashHook(parseCrashPoint(crashAt));
  let journal: LiveJournal;
  try {
    journal = LiveJournal.open({
      path,
      account: config.ibkr.account_id,
      sync: config.live.journal_sync,
      orphanOrders: config.live.orphan_orders,
      session: { version: programVersion(), configHash: configHash(config), strategy: liveStrategy(config).name },
      ...(crash === undefined ? {} : { crash }),
      ...(restart === undefined
        ? {}
        : {
            startAnew: () => {
              const kept = restart.replace();
              if (kept !== null) onKept(kept);
            },
          }),
    });
  } catch (error) {
    restart?.release();
    throw error;
  }
  return {
    journal,
    close: () => {
      restart?.release();
      journal.close();
      if (!created || journal.begun) return;
      for (const file of [...journalFiles(path), `${path}-lock`]) rmSync(file, { force: true });
      undoDirectory();
    },
  };
}
