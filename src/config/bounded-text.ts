import { thousands } from '../domain/thousands.js';

/**
 * Error messages quote what the user wrote, and what the user wrote can be a 20 MB CSV header or 5,000 misspelt keys.
 * A message quotes a short excerpt and counts the rest, so that it stays one readable line whatever the input.
 */

/** Characters of one quoted text a message keeps. */
export const EXCERPT_LENGTH = 120;

/** Characters that would break the line or the terminal: C0/C1 controls and the Unicode line separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** `n` with thousands separators, as counts are written in messages. */
export function count(n: number): string {
  return thousands(n);
}

/**
 * `text` on one line (control characters escaped, as JSON writes them) and at most about `max` characters: the middle
 * of a longer text is left out and counted, keeping its start and its end (where a header's last column or a
 * message's "expected …" is).
 */
export function excerpt(text: string, max = EXCERPT_LENGTH): string {
  if (text.length <= max) return escapeControl(text);
  let head = Math.ceil((max * 2) / 3);
  let tail = text.length - (max - head);
  // Never cut a surrogate pair in two: half a character is not a character.
  if (isLowSurrogate(text.charCodeAt(head))) head--;
  if (isLowSurrogate(text.charCodeAt(tail))) tail++;
  const left = tail - head;
  return `${escapeControl(text.slice(0, head))}…(${count(left)} characters left out)…${escapeControl(text.slice(tail))}`;
}

/** Up to `max` items joined with ", ", then "… and N more". */
export function listExcerpt(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} … and ${count(items.length - max)} more` : shown;
}
