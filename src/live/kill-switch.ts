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
    if (statSync(this.path, { throwIfNoEntry: false }) === undefined) return null;
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      // Unreadable (a directory, no permission): it still says "halt".
    }
    rmSync(this.path, { force: true, recursive: true });
    return parseRequest(text, this.path);
  }
}

function parseRequest(text: string, path: string): SessionRequest {
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

/** Writes a request at once (beside, then renamed), so that a session never reads half of it. */
export function writeHaltRequest(path: string, request: HaltRequest): void {
  writeAtOnce(path, request);
}

/** Writes the manual reset's request, as writeHaltRequest writes a halt. */
export function writeResumeRequest(path: string, request: ResumeRequest): void {
  writeAtOnce(path, { action: 'resume', source: request.source, reason: request.reason });
}

function writeAtOnce(path: string, content: object): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, `${JSON.stringify(content)}\n`);
  renameSync(partial, path);
}
