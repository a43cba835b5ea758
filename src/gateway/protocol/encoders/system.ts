import { FieldWriter } from '../field-writer.js';
import { ServerMessageId } from '../message-ids.js';
import { ServerVersion } from '../server-versions.js';

export function encodeNextValidId(orderId: number): Buffer {
  return new FieldWriter(ServerMessageId.NextValidId).int(1).int(orderId).toBuffer();
}

export function encodeManagedAccounts(accounts: readonly string[]): Buffer {
  return new FieldWriter(ServerMessageId.ManagedAccounts).int(1).str(accounts.join(',')).toBuffer();
}

/**
 * ERR_MSG. `id` is the request or order the message is about, -1 for notices (farm status, connectivity). From
 * ENCODE_MSG_ASCII7 on the text travels as 7-bit ASCII with \uXXXX escapes; from ADVANCED_ORDER_REJECT on a JSON
 * field follows (empty unless an order reject carries details).
 */
export function encodeError(version: number, id: number, code: number, message: string, advanced = ''): Buffer {
  const w = new FieldWriter(ServerMessageId.ErrorMessage).int(2).int(id).int(code);
  w.str(version >= ServerVersion.EncodeMsgAscii7 ? escapeNonAscii(message) : message);
  if (version >= ServerVersion.AdvancedOrderReject) w.str(advanced);
  return w.toBuffer();
}

export function encodeCurrentTime(epochSeconds: number): Buffer {
  return new FieldWriter(ServerMessageId.CurrentTime).int(1).int(epochSeconds).toBuffer();
}

export function encodeMarketDataType(reqId: number, marketDataType: number): Buffer {
  return new FieldWriter(ServerMessageId.MarketDataType).int(1).int(reqId).int(marketDataType).toBuffer();
}

/** MARKET_RULE (93): price increments as [lowEdge, increment] pairs. */
export function encodeMarketRule(ruleId: number, increments: readonly (readonly [number, number])[]): Buffer {
  const w = new FieldWriter(93).int(ruleId).int(increments.length);
  for (const [lowEdge, increment] of increments) w.double(lowEdge).double(increment);
  return w.toBuffer();
}

/** USER_INFO (107): the white-branding id, empty for IB's own accounts. */
export function encodeUserInfo(reqId: number, whiteBrandingId: string): Buffer {
  return new FieldWriter(107).int(reqId).str(whiteBrandingId).toBuffer();
}

function escapeNonAscii(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out += ch;
    } else if (code <= 0xffff) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      // Astral characters become their UTF-16 surrogate pair, each escaped.
      const high = Math.floor((code - 0x10000) / 0x400) + 0xd800;
      const low = ((code - 0x10000) % 0x400) + 0xdc00;
      out += `\\u${high.toString(16)}\\u${low.toString(16)}`;
    }
  }
  return out;
}
