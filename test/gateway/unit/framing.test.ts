import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldWriter, formatDouble, frameFields } from '../../../src/gateway/protocol/field-writer.js';
import { FrameDecoder, MAX_MESSAGE_LENGTH, splitFields } from '../../../src/gateway/protocol/framing.js';
import { InputBudget } from '../../../src/gateway/server/input-budget.js';
import { encodeServerHello, negotiateVersion, parseClientHello } from '../../../src/gateway/protocol/handshake.js';

describe('framing', () => {
  it('frames fields NUL-terminated behind a big-endian length', () => {
    const frame = frameFields(['49', '1', '1614609000']);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(frame.subarray(4).toString('latin1')).toBe('49\u00001\u00001614609000\u0000');
  });

  it('reassembles frames split across chunks and several frames in one chunk', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replaceAll('\0', '')),
            { minLength: 1, maxLength: 6 },
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 40 }),
        (messages, cuts) => {
          const bytes = Buffer.concat(messages.map((m) => frameFields(m)));
          const decoder = new FrameDecoder();
          const out: string[][] = [];
          let offset = 0;
          let cut = 0;
          while (offset < bytes.length) {
            const size = cuts[cut++ % cuts.length]!;
            decoder.push(bytes.subarray(offset, offset + size));
            offset += size;
            for (let f = decoder.next(); f.kind === 'frame'; f = decoder.next()) out.push(splitFields(f.payload));
          }
          expect(out).toEqual(messages);
        },
      ),
    );
  });

  it('reports a length above the protocol limit instead of waiting for it', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from([0x01, 0x00, 0x00, 0x00, 0x41]));
    expect(decoder.next()).toEqual({ kind: 'oversized', length: 0x01000000 });
  });

  it('takes the unframed API prefix before the first frame', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from('AP', 'latin1'));
    expect(decoder.takeRaw(4)).toBeUndefined();
    decoder.push(Buffer.concat([Buffer.from('I\0', 'latin1'), frameFields(['v100..193'])]));
    expect(decoder.takeRaw(4)?.toString('latin1')).toBe('API\0');
    const frame = decoder.next();
    expect(frame.kind === 'frame' && splitFields(frame.payload)).toEqual(['v100..193']);
  });
});

describe('frame decoder limits', () => {
  it("caps a frame at IB's maximum message length, or at a lower limit the caller sets", () => {
    expect(MAX_MESSAGE_LENGTH).toBe(0xffffff);
    const at = (length: number, max?: number): string => {
      const decoder = new FrameDecoder(max);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(length, 0);
      decoder.push(header);
      return decoder.next().kind;
    };
    expect(at(0xffffff)).toBe('incomplete');
    expect(at(0x1000000)).toBe('oversized');
    expect(at(4096, 4096)).toBe('incomplete');
    expect(at(4097, 4096)).toBe('oversized');
  });

  it('knows the size a partly received frame announced, and buffers only what arrived', () => {
    const decoder = new FrameDecoder();
    const frame = frameFields(['49', '1']);
    decoder.push(frame.subarray(0, 2));
    expect([decoder.buffered, decoder.expected]).toEqual([2, 2]);
    decoder.push(frame.subarray(2, 6));
    expect([decoder.buffered, decoder.expected]).toEqual([6, frame.length]);
    expect(decoder.next().kind).toBe('incomplete');
    for (let i = 6; i < frame.length; i++) decoder.push(frame.subarray(i, i + 1));
    const complete = decoder.next();
    expect(complete.kind === 'frame' && splitFields(complete.payload)).toEqual(['49', '1']);
    expect([decoder.buffered, decoder.expected]).toEqual([0, 0]);
  });
});

describe('input budget', () => {
  it('lets each connection hold its free share, and all together the limit beyond it', () => {
    const budget = new InputBudget(1000, 100);
    const a = budget.charge(0, 600); // 500 beyond the free 100
    expect(a).toBe(500);
    expect(budget.charge(0, 100)).toBe(0);
    expect(budget.charge(0, 700)).toBeUndefined(); // 600 more would make 1100
    const b = budget.charge(0, 600);
    expect([b, budget.charged]).toEqual([500, 1000]);
    expect(budget.charge(a!, 0)).toBe(0);
    expect(budget.charged).toBe(500);
    expect(budget.charge(b!, 50)).toBe(0);
    expect(budget.charged).toBe(0);
  });
});

describe('field writer', () => {
  it('writes numbers the way API decoders parse them', () => {
    expect(formatDouble(100.1 + 0.02)).toBe('100.12');
    expect(100.1 + 0.02).not.toBe(100.12);
    expect(formatDouble(0.1 + 0.2)).toBe('0.3');
    expect(formatDouble(-1)).toBe('-1');
    expect(formatDouble(Number.NaN)).toBe('');
    const payload = new FieldWriter(6)
      .int(2)
      .str('NetLiquidation')
      .bool(true)
      .bool(false)
      .intOrEmpty(undefined)
      .doubleOrEmpty(1.5)
      .doubleOrMax(undefined)
      .decimal(100)
      .toBuffer()
      .subarray(4);
    expect(splitFields(payload)).toEqual([
      '6',
      '2',
      'NetLiquidation',
      '1',
      '0',
      '',
      '1.5',
      '1.7976931348623157E308',
      '100',
    ]);
  });
});

describe('handshake', () => {
  it('reads the client version range with or without connect options', () => {
    expect(parseClientHello('v100..193')).toEqual({ minVersion: 100, maxVersion: 193, connectOptions: '' });
    expect(parseClientHello('v157..178 +PACEAPI')).toEqual({
      minVersion: 157,
      maxVersion: 178,
      connectOptions: '+PACEAPI',
    });
    expect(parseClientHello('v176')).toEqual({ minVersion: 176, maxVersion: 176, connectOptions: '' });
    expect(parseClientHello('hello')).toBeUndefined();
    expect(parseClientHello('v193..100')).toBeUndefined();
  });

  it('picks the highest version both sides support, or none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 90, max: 210 }), fc.integer({ min: 0, max: 60 }), (min, width) => {
        const client = { minVersion: min, maxVersion: min + width };
        const chosen = negotiateVersion(client, { min: 157, max: 193 });
        if (client.maxVersion < 157 || client.minVersion > 193) {
          expect(chosen).toBeUndefined();
        } else {
          expect(chosen).toBe(Math.min(client.maxVersion, 193));
        }
      }),
    );
  });

  it('answers with the version and the connection time', () => {
    expect(splitFields(encodeServerHello(176, '20210301 09:30:00 US/Eastern').subarray(4))).toEqual([
      '176',
      '20210301 09:30:00 US/Eastern',
    ]);
  });
});
