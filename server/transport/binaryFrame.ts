/**
 * A server-to-client WebSocket binary frame (RFC 6455 §5.2: FIN, opcode 2, unmasked), built
 * once per message so that a broadcast writes the same bytes to every socket.
 */
export function encodeBinaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength;
  const headerLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x82; // FIN + binary
  if (length < 126) {
    frame[1] = length;
  } else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, headerLength);
  return frame;
}

let lastPayload: Uint8Array | null = null;
let lastFrame: Buffer | null = null;

/**
 * `encodeBinaryFrame` with a one-entry cache: a room hands the same payload object to each
 * of its sockets in turn, so a broadcast to a thousand readers frames it once.
 */
export function frameOnce(payload: Uint8Array): Buffer {
  if (payload !== lastPayload) {
    lastFrame = encodeBinaryFrame(payload);
    lastPayload = payload;
  }
  return lastFrame!;
}
