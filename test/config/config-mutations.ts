import fc from 'fast-check';

/**
 * Config YAML as users break it: lines deleted, repeated, re-indented or cut; values replaced by wrong types,
 * impossible dates, huge or non-finite numbers, YAML aliases (dangling, circular), tags, prototype keys, stray
 * quotes and brackets; the whole document turned into a list or a scalar, or given a byte order mark.
 */

/** Values that are wrong somewhere (or right, for another key). */
export const NASTY_VALUES: readonly string[] = [
  '',
  '~',
  'null',
  '-1',
  '0',
  '1.5',
  '1e12',
  '1e20',
  '1e400',
  '-0',
  '.inf',
  '-.inf',
  '.nan',
  '0x10',
  'true',
  '"x"',
  '[]',
  '{}',
  '[1, 2]',
  '{a: 1}',
  '*nope',
  '&a [*a]',
  '&b {c: *b}',
  '2020-02-30',
  '2020-01-02',
  '1998-13-01',
  '0097-01-01',
  '9999-12-31',
  '2020-01-02 10:60',
  '__proto__',
  'fixed:0',
  'fixed:100',
  'fixed:99999999999',
  'risk',
  'zero',
  'ib-tiered',
  "'",
  '"',
  '{',
  '[',
  ']',
  '!!set {a}',
  '!!binary aGk=',
  '!!js/function x',
  '\t',
  'é',
  '\u0000',
  'x'.repeat(300),
];

/** Lines that add structure: unknown and prototype keys, anchors and aliases, directives, list items. */
export const NASTY_LINES: readonly string[] = [
  '__proto__: {x: 1}',
  'constructor: 1',
  'prototype:',
  '  __proto__: 1',
  '    constructor: 1',
  'unknown_key: 1',
  '  misspelt_key: 2',
  'anchor: &a [x, x, x]',
  'alias: *a',
  'cycle: &c [*c]',
  '<<: *a',
  '- item',
  '---',
  '%YAML 1.1',
  '? complex',
  ': value',
  '# comment',
  '',
  'backtest: 5',
  'account:',
  'strategies:\n  sma_crossover:\n    params:\n      constructor: 1',
  'trading:\n  sector_map:\n    __proto__: Tech',
];

export type Mutation =
  | { readonly kind: 'delete'; readonly line: number }
  | { readonly kind: 'repeat'; readonly line: number }
  | { readonly kind: 'value'; readonly line: number; readonly value: string }
  | { readonly kind: 'insert'; readonly line: number; readonly text: string }
  | { readonly kind: 'indent'; readonly line: number; readonly by: number }
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'char'; readonly at: number; readonly char: string }
  | { readonly kind: 'document'; readonly prefix: string };

const line = fc.nat({ max: 400 });

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), line }),
  fc.record({ kind: fc.constant('repeat' as const), line }),
  fc.record({ kind: fc.constant('value' as const), line, value: fc.constantFrom(...NASTY_VALUES) }),
  fc.record({ kind: fc.constant('insert' as const), line, text: fc.constantFrom(...NASTY_LINES) }),
  fc.record({ kind: fc.constant('indent' as const), line, by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat({ max: 20_000 }) }),
  fc.record({
    kind: fc.constant('char' as const),
    at: fc.nat({ max: 20_000 }),
    char: fc.constantFrom(':', '-', '&', '*', '!', '|', '>', '"', "'", '#', '{', '[', '\t', '\n', '\r', '\uFEFF'),
  }),
  fc.record({
    kind: fc.constant('document' as const),
    prefix: fc.constantFrom('\uFEFF', '- ', '--- ', '42\n---\n', '[', '%YAML 1.1\n---\n', 'x\n'),
  }),
);

/** `text` with one mutation applied (line numbers wrap around the document). */
export function mutate(text: string, mutation: Mutation): string {
  const lines = text.split('\n');
  const at = (n: number): number => n % Math.max(1, lines.length);
  switch (mutation.kind) {
    case 'delete':
      lines.splice(at(mutation.line), 1);
      return lines.join('\n');
    case 'repeat':
      lines.splice(at(mutation.line), 0, lines[at(mutation.line)] ?? '');
      return lines.join('\n');
    case 'value': {
      const i = at(mutation.line);
      const current = lines[i] ?? '';
      const colon = current.indexOf(':');
      lines[i] = colon < 0 ? `${current} ${mutation.value}` : `${current.slice(0, colon + 1)} ${mutation.value}`;
      return lines.join('\n');
    }
    case 'insert':
      lines.splice(at(mutation.line), 0, mutation.text);
      return lines.join('\n');
    case 'indent': {
      const i = at(mutation.line);
      const current = lines[i] ?? '';
      lines[i] = mutation.by >= 0 ? ' '.repeat(mutation.by) + current : current.replace(/^ {1,4}/, '');
      return lines.join('\n');
    }
    case 'cut':
      return text.slice(0, mutation.at % (text.length + 1));
    case 'char': {
      const i = mutation.at % (text.length + 1);
      return text.slice(0, i) + mutation.char + text.slice(i);
    }
    case 'document':
      return mutation.prefix + text;
  }
}

/** A config text with one to four mutations applied in turn. */
export function mutatedConfig(base: string): fc.Arbitrary<string> {
  return fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce(mutate, base));
}
