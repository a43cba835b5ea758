import { describe, expect, it } from 'vitest';
import { KNOWN_INSTRUMENTS } from '../../../src/gateway/market/known-instruments.js';
import type { Instrument } from '../../../src/gateway/market/instrument.js';
import {
  encodeCompletedOrder,
  type CompletedOrderView,
} from '../../../src/gateway/protocol/encoders/completed-orders.js';
import { splitFields } from '../../../src/gateway/protocol/framing.js';

const profile = KNOWN_INSTRUMENTS.get('AAPL')!;
const instrument: Instrument = {
  ...profile,
  symbol: 'AAPL',
  secType: 'STK',
  exchange: 'SMART',
  currency: 'USD',
  minTick: 0.01,
  marketRuleId: 26,
};

const view: CompletedOrderView = {
  orderId: 1,
  clientId: 1,
  permId: 1000001,
  parentId: 0,
  instrument,
  account: 'DU1234567',
  order: {
    action: 'BUY',
    totalQuantity: 10,
    orderType: 'LMT',
    lmtPrice: 120.5,
    auxPrice: undefined,
    tif: 'DAY',
    ocaGroup: '',
    account: 'DU1234567',
    openClose: '',
    origin: 0,
    orderRef: 'r1',
    transmit: true,
    parentId: 0,
    outsideRth: false,
    hidden: false,
    displaySize: undefined,
    goodAfterTime: '',
    goodTillDate: '',
    ocaType: 0,
    allOrNone: false,
    minQty: undefined,
    trailStopPrice: undefined,
    trailingPercent: undefined,
    whatIf: false,
    algoStrategy: '',
    conditions: [],
    cashQty: undefined,
    modelCode: '',
  },
  status: 'Filled',
  trailStopPrice: undefined,
  whatIf: undefined,
  commissionCurrency: 'USD',
  filledQuantity: 10,
  completedTime: '20210301 10:30:05 US/Eastern',
  completedStatus: 'Filled Size: 10 Avg Price: 120.5',
  parentPermId: 0,
};

describe('COMPLETED_ORDER layout', () => {
  it('carries the deprecated FA profile field below server version 177 only', () => {
    const at = (version: number): string[] => splitFields(encodeCompletedOrder(version, view).subarray(4));
    const v176 = at(176);
    const v177 = at(177);
    expect(v176.length).toBe(v177.length + 1);
    // Fields 0–30 are the message id, the contract (11) and the order fields up to faPercentage.
    expect(v176.slice(0, 31)).toEqual(v177.slice(0, 31));
    expect(v176[31]).toBe('');
    expect(v176.slice(32)).toEqual(v177.slice(31));
    expect(v177.slice(12, 17)).toEqual(['BUY', '10', 'LMT', '120.5', '']);
    expect(at(183).length).toBe(v177.length + 1);
    expect(at(193).slice(-2)).toEqual(['', '0']); // customerAccount, professionalCustomer
    expect(at(193).length).toBe(v177.length + 2);
    expect(at(169).length).toBe(v176.length - 5); // before PEGBEST_PEGMID_OFFSETS
  });
});
