/** A client message that cannot be parsed as the negotiated protocol version defines it. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}
