import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  KEEPALIVE_FRAME,
  ProtocolError,
} from '../../shared/protocol.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('decodeMessage', () => {
  it('round-trips every message the y-websocket client sends', () => {
    const payload = bytes(1, 2, 3);
    expect(decodeMessage(encodeSyncStep1(payload))).toEqual({ type: 'sync-step-1', stateVector: payload });
    expect(decodeMessage(encodeSyncStep2(payload))).toEqual({ type: 'sync-step-2', update: payload });
    expect(decodeMessage(encodeSyncUpdate(payload))).toEqual({ type: 'sync-update', update: payload });
    expect(decodeMessage(encodeAwareness(payload))).toEqual({ type: 'awareness', update: payload });
    expect(decodeMessage(encodeQueryAwareness())).toEqual({ type: 'query-awareness' });
  });

  it('decodes the keepalive as an awareness update announcing no clients', () => {
    expect(decodeMessage(KEEPALIVE_FRAME)).toEqual({ type: 'awareness', update: bytes(0) });
  });

  it.each([
    ['an empty frame', bytes()],
    ['an unknown message type', bytes(9)],
    ['an unknown sync step', bytes(0, 7, 0)],
    ['a truncated varint', bytes(0x80)],
    ['a sync message without its step', bytes(0)],
    ['a length prefix longer than the frame', bytes(0, 2, 0xff, 0xff, 0xff, 0x7f, 1, 2)],
    ['a length prefix beyond 2^53', bytes(0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
    ['trailing bytes after a message', bytes(3, 0)],
    [
      'two messages in one frame',
      Uint8Array.from([...encodeSyncStep1(bytes(0)), ...encodeSyncStep2(bytes(0, 0))]),
    ],
  ])('rejects %s with a ProtocolError', (_label, frame) => {
    expect(() => decodeMessage(frame)).toThrow(ProtocolError);
  });
});
