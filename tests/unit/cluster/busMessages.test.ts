import { describe, expect, it } from 'vitest';
import {
  BusMessageError,
  decodeBusMessage,
  encodeBusMessage,
  type BusMessage,
} from '../../../server/cluster/busMessages.ts';

describe('bus messages', () => {
  const messages: BusMessage[] = [
    {
      type: 'entries',
      from: 'instance-a',
      doc: 'naïve doc/1',
      entries: [
        { seq: 7, update: Uint8Array.of(1, 2, 3) },
        { seq: 2 ** 40, update: new Uint8Array(0) },
      ],
    },
    { type: 'awareness', from: 'b', doc: 'd', update: Uint8Array.of(9, 9) },
    { type: 'awareness-query', from: 'c', doc: 'd' },
    { type: 'evict', from: 'e', doc: 'f', code: 4410, reason: 'this document is in the trash' },
  ];

  it('round-trip every kind, binary, with large sequence numbers and any document name', () => {
    for (const message of messages) expect(decodeBusMessage(encodeBusMessage(message))).toEqual(message);
  });

  it('are compact: a one-keystroke batch costs a few bytes beyond its update and names', () => {
    const update = new Uint8Array(20);
    const bytes = encodeBusMessage({
      type: 'entries',
      from: 'x'.repeat(36),
      doc: 'doc',
      entries: [{ seq: 1000, update }],
    });
    expect(bytes.byteLength).toBeLessThanOrEqual(20 + 36 + 3 + 8);
  });

  it('refuse truncated, unknown or trailing bytes with a BusMessageError, never another exception', () => {
    const whole = encodeBusMessage(messages[0]!);
    for (let cut = 0; cut < whole.byteLength; cut++) {
      expect(() => decodeBusMessage(whole.subarray(0, cut))).toThrow(BusMessageError);
    }
    expect(() => decodeBusMessage(Uint8Array.of(...whole, 0))).toThrow(/trailing/);
    expect(() => decodeBusMessage(Uint8Array.of(42, 1, 97, 1, 100))).toThrow(/unknown message type/);
  });
});
