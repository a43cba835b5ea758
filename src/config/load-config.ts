import { closeSync, openSync, readSync } from 'node:fs';
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type * as z from 'zod/mini';
import { count, excerpt, listExcerpt } from './bounded-text.js';
import { configSchema, type Config } from './schema.js';

/** A config that cannot be used; the message is one line naming the file, key, value and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Bytes a config file may have. The shipped one has 4 KB; the YAML parser's time grows with the size (a quarter of
 * a megabyte of nested brackets takes it a second), so the bound keeps a wrong `--config` path (a data file, a
 * device) from hanging the start.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * Aliases (`*name`) a config file may use. A config needs a few; each alias costs the parser a pass over the
 * document, so thousands would take minutes.
 */
export const MAX_ALIASES = 100;

/**
 * The yaml package's bound on how far aliases expand (its `maxAliasCount`): an anchor's uses times the aliases
 * nested in it. Nine levels of nine aliases ("billion laughs") would expand to 387 million nodes.
 */
const MAX_ALIAS_EXPANSION = 100;

/** Problems one message lists before it counts the rest. */
const MAX_LISTED = 5;

/**
 * Keys that name an object's prototype machinery: written into a plain object they change its prototype or shadow
 * it instead of adding a key, so a value under them would be dropped or reach every object. No config key has such
 * a name; they are refused wherever they appear (file, `--param` names, strategy names).
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const RESERVED = '__proto__, constructor or prototype';

/** Up to MAX_LISTED problems joined with "; ", then how many more of `total` there are. */
function listProblems(problems: readonly string[], total = problems.length): string {
  const shown = problems.slice(0, MAX_LISTED);
  const more = total - shown.length;
  return more > 0 ? `${shown.join('; ')}; … and ${count(more)} more` : shown.join('; ');
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Circular or BigInt: only data built in code can be either.
  }
  return excerpt(text ?? `a ${typeof value}`, 80);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Turns zod's "Too small: expected number to be >=0" into "number to be >=0". */
function expectation(message: string): string {
  return message
    .replace(/^[A-Z][a-z]+(?: [a-z]+)*: /, '')
    .replace(/^expected /, '')
    .replace(/, received \w+$/, '');
}

function keyLabel(path: readonly PropertyKey[], flags: ReadonlyMap<string, string>): string {
  const dotted = path.map(String).join('.');
  return flags.get(dotted) ?? (excerpt(dotted, 100) || '(top level)');
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, flags: ReadonlyMap<string, string>): string {
  const key = keyLabel(issue.path, flags);
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${key}.` : '';
    const keys = listExcerpt(issue.keys.map((k) => prefix + excerpt(k, 40)));
    return `${keys}: unknown key${issue.keys.length > 1 ? 's' : ''}; check the spelling against the README's config reference`;
  }
  // The value as written: zod's own copy of the input reads Infinity and NaN as null.
  const written = valueAt(raw, issue.path);
  const got = describeValue(written === undefined && 'input' in issue ? issue.input : written);
  return `${key}: got ${got}; expected ${expectation(issue.message)}`;
}

/** Every key named __proto__, constructor or prototype in `raw`, in document order, as a problem naming its path. */
function reservedKeyProblems(raw: unknown, flags: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const seen = new Set<object>();
  // Depth first without recursion: a document nested a thousand levels deep is no reason for a stack overflow.
  const stack: { node: unknown; path: string[] }[] = [{ node: raw, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    const key = path.at(-1);
    if (key !== undefined && RESERVED_KEYS.has(key)) {
      problems.push(`${keyLabel(path, flags)}: got the name ${key}; expected a name other than ${RESERVED}`);
      continue;
    }
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ node: entries[i]![1], path: [...path, entries[i]![0]] });
  }
  return problems;
}

/** Recursively freezes so that no component can change configuration after validation. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validates an already parsed document (YAML or built in code) into the one frozen Config. */
export function validateConfig(
  raw: unknown,
  source = 'config',
  flags: ReadonlyMap<string, string> = new Map(),
): Config {
  const reserved = reservedKeyProblems(raw, flags);
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (result.success && reserved.length === 0) return deepFreeze(result.data);
  const issues = (result.error?.issues ?? []).flatMap((issue): z.core.$ZodIssue[] => {
    if (issue.code !== 'unrecognized_keys') return [issue];
    // A reserved key is reported as such above, not once more as misspelt.
    const keys = issue.keys.filter((k) => !RESERVED_KEYS.has(k));
    return keys.length > 0 ? [{ ...issue, keys }] : [];
  });
  // Only the issues that are listed are described: describing quotes values, and there may be thousands.
  const described = issues.slice(0, MAX_LISTED).map((issue) => describeIssue(issue, raw, flags));
  const problems = listProblems([...reserved, ...described], reserved.length + issues.length);
  // Values the flags set are the command line's mistake, not the file's.
  const fromFlags =
    reserved.length === 0 &&
    issues.length > 0 &&
    issues.every((issue) => issue.code !== 'unrecognized_keys' && flags.has(issue.path.map(String).join('.')));
  throw new ConfigError(`${fromFlags ? 'the command line' : excerpt(source, 200)}: invalid configuration: ${problems}`);
}

/** "line 3, column 7" of an offset in the text. */
function position(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `line ${line}, column ${col}`;
}

/**
 * What the yaml package does not refuse itself but a config must not have: duplicate keys (checked here in linear
 * time, where the package's own check is quadratic), aliases to an anchor that is not defined before them, aliases
 * inside the node they name (a circular structure), and more aliases than MAX_ALIASES.
 */
function structureProblems(doc: Document, lines: LineCounter): string[] {
  const problems: string[] = [];
  let aliases = 0;
  visit(doc, {
    Map(_key, map) {
      const keys = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (keys.has(key)) {
          const at = pair.key.range ? `${position(lines, pair.key.range[0])}: ` : '';
          problems.push(`${at}duplicate key ${excerpt(JSON.stringify(String(key)), 40)}`);
        }
        keys.add(key);
      }
    },
    Alias(_key, alias, path) {
      const at = alias.range ? `${position(lines, alias.range[0])}: ` : '';
      if (++aliases > MAX_ALIASES) {
        problems.push(`${at}more than ${MAX_ALIASES} aliases; a config file needs a few`);
        return visit.BREAK;
      }
      const name = excerpt(alias.source, 40);
      const target = alias.resolve(doc);
      if (target === undefined) problems.push(`${at}alias *${name} names no anchor &${name} defined before it`);
      else if (path.includes(target)) problems.push(`${at}alias *${name} is inside the node it names (a cycle)`);
      return undefined;
    },
  });
  return problems;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  // A YAML 1.1 tag (!!set, !!omap, !!timestamp) makes the document a Set, a Map or a Date.
  if (value !== null && typeof value === 'object')
    return `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'value'}`;
  return `${typeof value === 'string' ? 'the text' : 'the value'} ${describeValue(value)}`;
}

/**
 * Parses config YAML into a mapping of keys (an empty document is an empty mapping). Anything else — invalid YAML,
 * the problems structureProblems finds, a document that is a list or a single value — is a ConfigError: the
 * command line's values are written into this mapping, so a document that is not one must never be skipped.
 */
export function parseConfigText(text: string, source: string): Record<string, unknown> {
  const lines = new LineCounter();
  // prettyErrors would quote the text around an error over several lines (and, on deeply nested brackets, builds a
  // regular expression that exhausts the heap).
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, lineCounter: lines });
  const where = excerpt(source, 200);
  const syntax = doc.errors.map((e) => {
    // The package's own wording suggests one of its functions; a config is one document.
    const message = e.code === 'MULTIPLE_DOCS' ? 'more than one YAML document (---); a config file is one' : e.message;
    return `${position(lines, e.pos[0])}: ${excerpt(message.split('\n')[0]!, 120)}`;
  });
  if (syntax.length > 0) throw new ConfigError(`${where}: not valid YAML: ${listProblems(syntax)}`);
  const structure = structureProblems(doc, lines);
  if (structure.length > 0) throw new ConfigError(`${where}: unusable YAML: ${listProblems(structure)}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (error) {
    // What toJS refuses is what this document holds: a problem of the file, not of the program.
    const message = (error as Error).message;
    const problem = /excessive alias count/i.test(message)
      ? `its aliases expand beyond ${MAX_ALIAS_EXPANSION} copies of a node (nested aliases multiply)`
      : excerpt(message, 120);
    throw new ConfigError(`${where}: unusable YAML: ${problem}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new ConfigError(
      `${where}: expected a mapping of config keys (such as "backtest:" and "trading:"); the file holds ${kindOf(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** The file's bytes, reading at most MAX_CONFIG_BYTES + 1 of them (a device or a pipe never ends). */
function readBounded(path: string): Buffer {
  const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
  let length = 0;
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0 || (length += read) === buffer.length) break;
    }
  } finally {
    closeSync(fd);
  }
  return buffer.subarray(0, length);
}

/** UTF-8 text of the file (a UTF-8 byte order mark is dropped); any other encoding is refused, not misread. */
function decodeConfig(bytes: Buffer, where: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16 || bytes.includes(0)) {
    throw new ConfigError(`${where}: the file is not UTF-8 text (UTF-16 or binary); save it as UTF-8`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(`${where}: the file is not UTF-8 text; save it as UTF-8`);
  }
}

export function readConfigFile(path: string): Record<string, unknown> {
  const where = excerpt(path, 200);
  let bytes: Buffer;
  try {
    bytes = readBounded(path);
  } catch (error) {
    throw new ConfigError(`${where}: cannot read the config file (${excerpt((error as Error).message, 200)})`);
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new ConfigError(`${where}: the file is larger than ${count(MAX_CONFIG_BYTES)} bytes; is it a config file?`);
  }
  return parseConfigText(decodeConfig(bytes, where), path);
}

export function loadConfig(path: string): Config {
  return validateConfig(readConfigFile(path), path);
}
