import { describe, expect, it } from 'vitest';
import { CashLedger } from '../../src/portfolio/cash-ledger.js';

describe('CashLedger', () => {
  it('pays purchases and commissions from settled cash at once', () => {
    const ledger = new CashLedger(10_000, 1);
    ledger.startSession(100);
    ledger.pay(2_500);
    ledger.pay(1);
    expect(ledger.cash).toBe(7_499);
    expect(ledger.settledCash).toBe(7_499);
  });

  it('settles T+1 sale proceeds at the start of the next session, counting only announced sessions', () => {
    const ledger = new CashLedger(1_000, 1);
    ledger.startSession(100);
    ledger.receiveSaleProceeds(500);
    expect(ledger.cash).toBe(1_500);
    expect(ledger.settledCash).toBe(1_000);
    expect(ledger.unsettledCash).toBe(500);
    ledger.startSession(100); // repeated announcement of the same day changes nothing
    expect(ledger.settledCash).toBe(1_000);
    ledger.startSession(103); // a weekend gap is still one session later
    expect(ledger.settledCash).toBe(1_500);
    expect(ledger.unsettledCash).toBe(0);
  });

  it('settles T+2 proceeds two sessions later and keeps each session apart', () => {
    const ledger = new CashLedger(0, 2);
    ledger.startSession(1);
    ledger.receiveSaleProceeds(100);
    ledger.startSession(2);
    ledger.receiveSaleProceeds(20);
    expect(ledger.settledCash).toBe(0);
    ledger.startSession(3);
    expect(ledger.settledCash).toBe(100);
    expect(ledger.cash).toBe(120);
    ledger.startSession(4);
    expect(ledger.settledCash).toBe(120);
    ledger.startSession(5);
    expect(ledger.settledCash).toBe(120);
  });

  it('settles at once with T+0', () => {
    const ledger = new CashLedger(0, 0);
    ledger.receiveSaleProceeds(42.5);
    expect(ledger.settledCash).toBe(42.5);
    expect(ledger.cash).toBe(42.5);
  });

  it('refuses a session day earlier than the current one', () => {
    const ledger = new CashLedger(0, 1);
    ledger.startSession(10);
    expect(() => {
      ledger.startSession(9);
    }).toThrow(/before the current session day 10/);
  });

  it("takes the broker's unsettled cash at a start-up to settle on the next day, not the first", () => {
    for (const days of [1, 2, 3]) {
      const ledger = new CashLedger(0, days);
      ledger.reset(99_961.69, 260.85);
      ledger.startSession(20);
      expect([ledger.cash, ledger.settledCash]).toEqual([99_961.69, 260.85]);
      ledger.startSession(21);
      expect(ledger.settledCash).toBe(99_961.69);
    }
  });

  it('takes unsettled cash found during a session to settle at the next one', () => {
    const ledger = new CashLedger(0, 2);
    ledger.startSession(20);
    ledger.reset(1_000, 400);
    ledger.startSession(20);
    expect(ledger.settledCash).toBe(400);
    ledger.startSession(21);
    expect(ledger.settledCash).toBe(1_000);
  });

  it('refuses invalid settlement days', () => {
    expect(() => new CashLedger(0, -1)).toThrow(RangeError);
    expect(() => new CashLedger(0, 1.5)).toThrow(RangeError);
  });
});
