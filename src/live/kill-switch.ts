import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { HaltRequest, ResumeRequest } from '../risk/risk-engine.js';

/** Longest reason kept from a request file: a reason is a line in a log, not a document. */
const MAX_REASON = 200;

/** What the kill switch's file asks of a running session: a halt, or (`ets resume`) the manual reset. */
export type SessionRequest = HaltRequest | (ResumeRequest & { readonly resume: true });

export function isResume(request: SessionRequest): request is ResumeRequest & { readonly resume: true } {
  return 'resume' in request;
}

/**
 * The kill switch's file (`trading.kill_switch_file`): `ets halt` writes a request there, and so may a person
 * (`touch ets.halt`); a running live session takes it — reads and deletes it — and halts. The file holds JSON
 * `{ "flatten": bool, "reason": text, "source": text }`; any other content (an empty file) is a plain halt. Only
 * `{ "action": "resume", "reason": text, "source": text }`, which `ets resume` writes, asks for the manual reset.
 */
export class KillSwitchFile {
  constructor(readonly path: string) {}

  /** The request waiting at the path, taken (deleted); null when there is none. Cheap: one stat when empty. */
  take(): SessionRequest | null {
    const request = this.peek();
    if (request !== null) rmSync(this.path, { force: true, recursive: true });
    return request;
  }

  /** The request waiting at the path, left there; null when there is none. */
  peek(): SessionRequest | null {
    if (statSync(this.path, { throwIfNoEntry: false }) === undefined) return null;
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      // Unreadable (a directory, no permission): it still says "halt".
    }
    return parseRequest(text, this.path);
  }
}

/** What a request file's text asks for (see KillSwitchFile). */
export function parseRequest(text: string, path: string): SessionRequest {
  const plain: HaltRequest = { flatten: false, source: `file ${path}`, reason: 'halt file found' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return plain;
  }
  if (parsed === null || typeof parsed !== 'object') return plain;
  const fields = parsed as Record<string, unknown>;
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
 * written. A halt written over one still waiting never weakens it: a pending flatten stays.
 */
export function writeHaltRequest(path: string, request: HaltRequest): string {
  const pending = new KillSwitchFile(path).peek();
  const flatten = request.flatten || (pending !== null && !isResume(pending) && pending.flatten);
  return writeAtOnce(path, { ...request, flatten });
}

/** Writes the manual reset's request, as writeHaltRequest writes a halt; returns the text written. */
export function writeResumeRequest(path: string, request: ResumeRequest): string {
  return writeAtOnce(path, { action: 'resume', source: request.source, reason: request.reason });
}

/** Writes `content` with a stamp that tells this request from any other with the same fields. */
function writeAtOnce(path: string, content: object): string {
  const partial = `${path}.partial`;
  const text = `${JSON.stringify({ ...content, requested: new Date().toISOString(), id: randomUUID() })}\n`;
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
