import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type * as z from 'zod/mini';
import { configSchema, type Config } from './schema.js';

/** A config that cannot be used; the message names the file, key, value and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
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

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, flags: ReadonlyMap<string, string>): string {
  const path = issue.path.map(String).join('.');
  const flag = flags.get(path);
  const key = flag ? `${flag} (${path})` : path || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${key}.` : '';
    return `${issue.keys.map((k) => prefix + k).join(', ')}: unknown key; check the spelling against the README's config reference`;
  }
  const got = describeValue('input' in issue ? issue.input : valueAt(raw, issue.path));
  return `${key}: got ${got}; expected ${expectation(issue.message)}`;
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
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${describeIssue(issue, raw, flags)}`);
    throw new ConfigError(`${source}: invalid configuration\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}

export function parseConfigText(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${source}: not valid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return doc.toJS() as unknown;
}

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the config file (${(error as Error).message})`);
  }
  return parseConfigText(text, path);
}

export function loadConfig(path: string): Config {
  return validateConfig(readConfigFile(path), path);
}
