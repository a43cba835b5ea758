import { describe, expect, it } from 'vitest';
import {
  isSymbol,
  MAX_SYMBOL_LENGTH,
  parseSymbol,
  parseSymbolList,
  SYMBOL_EXPECTED,
  symbolsText,
} from '../../src/domain/symbol.js';

describe('parseSymbol', () => {
  it.each([
    ['AAPL', 'AAPL'],
    [' msft ', 'MSFT'],
    ['brk.b', 'BRK.B'],
    ['BRK B', 'BRK B'],
    ['BF-B', 'BF-B'],
    ['RDS_A', 'RDS_A'],
    ['7203', '7203'],
    ['A'.repeat(MAX_SYMBOL_LENGTH), 'A'.repeat(MAX_SYMBOL_LENGTH)],
  ])('takes %j as %j', (text, symbol) => {
    expect(parseSymbol(text)).toBe(symbol);
  });

  it.each([
    '',
    '   ',
    '../escape',
    '..',
    '.',
    '.hidden',
    '-rf',
    '_X',
    'a/b',
    'a\\b',
    'A,B',
    'A\u0000B',
    'A\nB',
    'ÄPFEL',
    'A'.repeat(MAX_SYMBOL_LENGTH + 1),
  ])('refuses %j: it could not name a file inside its directory', (text) => {
    expect(parseSymbol(text)).toBeUndefined();
  });

  it('only canonical text is a symbol', () => {
    expect(isSymbol('AAPL')).toBe(true);
    expect(isSymbol('aapl')).toBe(false);
    expect(isSymbol(' AAPL')).toBe(false);
  });
});

describe('parseSymbolList', () => {
  it('upper-cases, trims and drops repeats, keeping the order', () => {
    expect(parseSymbolList('msft, AAPL,brk.b,MSFT')).toEqual({ ok: true, symbols: ['MSFT', 'AAPL', 'BRK.B'] });
  });

  it.each([
    ['', 'got ""; expected symbols separated by commas'],
    [' ', 'got " "; expected symbols separated by commas'],
    [' , ', 'got " , "; expected symbols separated by commas'],
    ['A,,B', '"A,,B" has an empty symbol; expected symbols separated by single commas'],
    ['A,B,', '"A,B," has an empty symbol; expected symbols separated by single commas'],
    ['A,../escape', `got "../escape"; expected ${SYMBOL_EXPECTED}`],
    ['a/b', `got "a/b"; expected ${SYMBOL_EXPECTED}`],
    [`X${'Y'.repeat(100)}`, `got "X${'Y'.repeat(39)}…"; expected ${SYMBOL_EXPECTED}`],
  ])('refuses %j: %s', (text, problem) => {
    expect(parseSymbolList(text)).toEqual({ ok: false, problem });
  });
});

describe('symbolsText', () => {
  it('lists up to eight symbols, and of more their count, the first five and the last', () => {
    expect(symbolsText(['AAPL', 'MSFT'])).toBe('AAPL, MSFT');
    const many = Array.from({ length: 1200 }, (_, i) => `S${String(i).padStart(4, '0')}`);
    expect(symbolsText(many.slice(0, 8))).toBe(many.slice(0, 8).join(', '));
    expect(symbolsText(many.slice(0, 9))).toBe('9 symbols (S0000, S0001, S0002, S0003, S0004 … S0008)');
    expect(symbolsText(many)).toBe('1,200 symbols (S0000, S0001, S0002, S0003, S0004 … S1199)');
  });
});
