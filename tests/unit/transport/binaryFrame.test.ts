import { describe, expect, it } from 'vitest';
import type { EventEmitter } from 'node:events';
import * as ws from 'ws';
import { encodeBinaryFrame, frameOnce } from '../../../server/transport/binaryFrame.ts';

/** ws's frame parser: exported by ws (wrapper.mjs), absent from @types/ws. */
interface FrameReceiver extends EventEmitter {
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => FrameReceiver;
};

/** Parses frames with ws's own receiver (what a Node client runs), as a client would. */
function receive(frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      isBinary ? resolve(data) : reject(new Error('not binary')),
    );
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('encodeBinaryFrame', () => {
  // Each length-encoding boundary of RFC 6455: 7-bit, 16-bit and 64-bit lengths.
  for (const length of [0, 1, 125, 126, 65_535, 65_536, 300_000]) {
    it(`frames ${length} bytes so that a WebSocket client reads them back exactly`, async () => {
      const payload = Uint8Array.from({ length }, (_, i) => (i * 31) % 256);
      expect(new Uint8Array(await receive(encodeBinaryFrame(payload)))).toEqual(payload);
    });
  }

  it('frames a payload once however many sockets it is sent to', () => {
    const payload = Uint8Array.of(0, 2, 1, 7);
    const first = frameOnce(payload);
    expect(frameOnce(payload)).toBe(first);
    // A different message in between: framed afresh, with the same bytes.
    expect(frameOnce(Uint8Array.of(9))).toEqual(encodeBinaryFrame(Uint8Array.of(9)));
    expect(frameOnce(payload)).not.toBe(first);
    expect(frameOnce(payload)).toEqual(first);
  });
});
