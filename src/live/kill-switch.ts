import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { HaltRequest, ResumeRequest } from '../risk/risk-engine.js';

/** Longest reason kept from a request file: a reason is a line in a log, not a document. */
const MAX_REASON = 200;

/** What the kill switch's file asks of a running session: a halt, or (`ets resume`) the manual reset. */
export type SessionRequest = HaltRequest | (ResumeRequest & { readonly resume: true });

export function isResume(request: SessionRequest): request is ResumeRequest & { readonly resume: true } {
  return 'resume' in request;
}

/** The fields of the requests ets halt and ets resume write: a JSON object with any other field is not one. */
const REQUEST_FIELDS = new Set(['flatten', 'reason', 'source', 'action', 'requested', 'id']);

/** The kill switch's path holds something that is not a request (see KillSwitchFile): a user's file, a directory. */
export class KillSwitchPathError extends Error {}

/** What is at the path: nothing, a request, or something else (`what` it is, and its identity to halt on once). */
type Found = { readonly request: SessionRequest } | { readonly what: string; readonly identity: string } | null;

function look(path: string): Found {
  let stats;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // A file where a parent directory belongs: nothing can be at the path.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
  if (stats === undefined) return null;
  const identity = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  // Never read what is not a plain file: a FIFO would block the session.
  if (!stats.isFile()) {
    return {
      what: stats.isDirectory() ? 'is a directory, not a request' : 'is neither a file nor a directory',
      identity,
    };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { what: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, identity };
  }
  const request = parseRequest(text, path);
  return request === null ? { what: 'holds text that is not a halt or resume request', identity } : { request };
}

/**
 * The kill switch's file (`trading.kill_switch_file`): `ets halt` writes a request there, and so may a person
 * (`touch ets.halt`); a running live session takes it — reads and deletes it — and halts. A request is an empty
 * file (a plain halt) or the JSON `{ "flatten": bool, "reason": text, "source": text }` that `ets halt` writes, or
 * `{ "action": "resume", "reason": text, "source": text }` that `ets resume` writes for the manual reset. Anything
 * else at the path (a directory, a user's file) is not a request: a kill switch fails closed, so the session halts
 * on it all the same, once, but leaves it where it is, since it is not the session's to delete.
 */
export class KillSwitchFile {
  /** What is not a request and was halted on already, so that it halts once rather than at every look. */
  private haltedOn: string | undefined;

  constructor(readonly path: string) {}

  /** The request waiting at the path, taken (deleted); null when there is none. Cheap: one stat when empty. */
  take(): SessionRequest | null {
    const found = look(this.path);
    if (found === null || 'request' in found) {
      this.haltedOn = undefined;
      if (found === null) return null;
      rmSync(this.path, { force: true });
      return found.request;
    }
    if (this.haltedOn === found.identity) return null;
    this.haltedOn = found.identity;
    return {
      flatten: false,
      source: `file ${this.path}`,
      reason: `the path ${found.what}: halting, leaving it in place`,
    };
  }
}

/**
 * The request waiting at `path`, left there; null when there is none. Throws KillSwitchPathError when the path
 * holds something that is not a request, which `ets halt` and `ets resume` must not write over.
 */
export function waitingRequest(path: string): SessionRequest | null {
  const found = look(path);
  if (found === null || 'request' in found) return found?.request ?? null;
  throw new KillSwitchPathError(
    `${JSON.stringify(path)} ${found.what}; expected a path of its own: nothing there, or a request of ets halt ` +
      'or ets resume (left untouched)',
  );
}

/** What a request file's text asks for (see KillSwitchFile); null when the text is not a request. */
export function parseRequest(text: string, path: string): SessionRequest | null {
  const plain: HaltRequest = { flatten: false, source: `file ${path}`, reason: 'halt file found' };
  if (text.trim() === '') return plain;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const fields = parsed as Record<string, unknown>;
  if (Object.keys(fields).some((key) => !REQUEST_FIELDS.has(key))) return null;
  const source = typeof fields.source === 'string' ? fields.source.slice(0, MAX_REASON) : plain.source;
  if (fields.action === 'resume') {
    const reason = typeof fields.reason === 'string' ? fields.reason.slice(0, MAX_REASON) : 'resume file found';
    return { resume: true, source, reason };
  }
  return {
    flatten: fields.flatten === true,
    source,
    reason: typeof fields.reason === 'string' ? fields.reason.slice(0, MAX_REASON) : plain.reason,
  };
}

/**
 * Writes a request at once (beside, then renamed), so that a session never reads half of it; returns the text
 * written. A halt written over one still waiting never weakens it: a pending flatten stays. Throws
 * KillSwitchPathError, writing nothing, when the path holds something that is not a request.
 */
export function writeHaltRequest(path: string, request: HaltRequest): string {
  const pending = waitingRequest(path);
  const flatten = request.flatten || (pending !== null && !isResume(pending) && pending.flatten);
  return writeAtOnce(path, { ...request, flatten });
}

/** Writes the manual reset's request, as writeHaltRequest writes a halt; returns the text written. */
export function writeResumeRequest(path: string, request: ResumeRequest): string {
  waitingRequest(path);
  return writeAtOnce(path, { action: 'resume', source: request.source, reason: request.reason });
}

/**
 * Writes `content` with a stamp that tells this request from any other with the same fields. The global `crypto`
 * loads node:crypto on first use: every command's start-up reads this module, few write a request.
 */
function writeAtOnce(path: string, content: object): string {
  const partial = `${path}.partial`;
  const text = `${JSON.stringify({ ...content, requested: new Date().toISOString(), id: crypto.randomUUID() })}\n`;
  try {
    writeFileSync(partial, text);
    renameSync(partial, path);
  } catch (error) {
    try {
      rmSync(partial, { force: true });
    } catch {
      // A directory of that name is not this request's to remove.
    }
    throw error;
  }
  return text;
}
