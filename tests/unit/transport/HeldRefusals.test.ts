import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode } from '../../../shared/closeCodes.ts';
import { HeldRefusals } from '../../../server/transport/HeldRefusals.ts';

const expired = (repeat: number) => ({ code: CloseCode.Unauthorized, reason: 'token expired', repeat });

/** A socket that records what was written to it before it ended. */
function socket() {
  const s = new PassThrough();
  let written = '';
  s.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { s, written: () => written };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('answering repeated refusals over HTTP', () => {
  it('answers with the status the close code mirrors and the same reason, later each time up to a cap', async () => {
    const answers = new HeldRefusals({ firstDelayMs: 250, maxDelayMs: 1000, maxHeld: 10 });
    const delays: number[] = [];
    for (const repeat of [1, 2, 3, 4, 5]) {
      const { s, written } = socket();
      answers.answer(s, expired(repeat));
      let waited = 0;
      while (written() === '') {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      delays.push(waited);
      expect(written()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
      expect(written()).toMatch(/\r\n\r\ntoken expired\n$/);
    }
    expect(delays).toEqual([250, 500, 1000, 1000, 1000]);
  });

  it('answers at once past the number of sockets it may hold', async () => {
    const answers = new HeldRefusals({ firstDelayMs: 250, maxDelayMs: 1000, maxHeld: 1 });
    const held = socket();
    const next = socket();
    answers.answer(held.s, expired(1));
    answers.answer(next.s, { code: CloseCode.BadDocumentName, reason: 'bad', repeat: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(held.written()).toBe('');
    expect(next.written()).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  });

  it('lets go of sockets that close meanwhile, and of every socket on shutdown', async () => {
    const answers = new HeldRefusals({ firstDelayMs: 250, maxDelayMs: 1000, maxHeld: 10 });
    const gone = socket();
    const waiting = socket();
    answers.answer(gone.s, expired(1));
    answers.answer(waiting.s, expired(1));
    gone.s.destroy(new Error('ECONNRESET'));
    answers.dropAll();
    expect(waiting.s.destroyed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(gone.written() + waiting.written()).toBe('');
  });
});
