import { afterEach, describe, expect, it } from 'vitest';
import { handleInterrupts, holdInterrupts } from '../../src/cli/interrupts.js';

describe('handleInterrupts', () => {
  let remove: (() => void) | undefined;
  afterEach(() => {
    remove?.();
  });

  it('stops gracefully on the first signal and exits with 130 on the second', () => {
    const stops: string[] = [];
    const exits: number[] = [];
    const text: string[] = [];
    remove = handleInterrupts(
      (signal) => stops.push(signal),
      (code) => exits.push(code),
      (t) => text.push(t),
    );
    process.emit('SIGINT', 'SIGINT');
    expect([stops, exits]).toEqual([['SIGINT'], []]);
    process.emit('SIGTERM', 'SIGTERM');
    expect([stops, exits]).toEqual([['SIGINT'], [130]]);
    expect(text).toEqual(['\nSIGINT: stopping gracefully (again to exit at once)\n', '\nSIGTERM again: exiting now\n']);
  });

  it('removes its handlers', () => {
    const before = process.listenerCount('SIGINT');
    const off = handleInterrupts(() => undefined);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    off();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('holdInterrupts', () => {
  it('ends the process with the code of the signal it held, once released and only then', () => {
    const exits: number[] = [];
    const before = process.listenerCount('SIGTERM');
    const release = holdInterrupts((code) => exits.push(code));
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    release();
    release();
    expect(exits).toEqual([143]);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('lets the process go on when no signal came', () => {
    const exits: number[] = [];
    holdInterrupts((code) => exits.push(code))();
    expect(exits).toEqual([]);
  });
});
