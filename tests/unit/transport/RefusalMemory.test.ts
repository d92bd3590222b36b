import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../shared/closeCodes.ts';
import type { Handshake } from '../../../server/access/admitConnection.ts';
import { RefusalMemory } from '../../../server/transport/RefusalMemory.ts';

const EXPIRED = { code: CloseCode.Unauthorized, reason: 'token expired' };

const handshake = (path: string, more: Partial<Handshake> = {}): Handshake => ({
  path,
  origin: undefined,
  host: undefined,
  remoteAddress: '203.0.113.7',
  protocols: [],
  ...more,
});

/** A memory on a clock the test moves. */
function memory(windowMs = 60_000, maxEntries = 100) {
  const clock = { now: 1_000_000 };
  return { clock, refusals: new RefusalMemory({ windowMs, maxEntries, now: () => clock.now }) };
}

describe('remembering refused handshakes', () => {
  it('repeats a refusal for the same handshake within the window, and forgets it after', () => {
    const { clock, refusals } = memory();
    const stale = handshake('/sync/notes?token=old');
    expect(refusals.recall(stale)).toBeNull();
    refusals.remember(stale, EXPIRED);
    clock.now += 59_999;
    expect(refusals.recall(stale)).toMatchObject(EXPIRED);
    clock.now += 1;
    expect(refusals.recall(stale)).toBeNull();
    expect(refusals.size).toBe(0);
  });

  it('counts the repeats but does not renew the window, so the close is given again once it has passed', () => {
    const { clock, refusals } = memory(10_000);
    const stale = handshake('/sync/notes?token=old');
    refusals.remember(stale, EXPIRED);
    for (let i = 1; i <= 9; i++) {
      clock.now += 1000;
      expect(refusals.recall(stale)).toEqual({ ...EXPIRED, repeat: i });
    }
    clock.now += 1000;
    expect(refusals.recall(stale)).toBeNull();
  });

  it('asks afresh when anything in the handshake differs: token, document, address, subprotocol, origin', () => {
    const { refusals } = memory();
    refusals.remember(handshake('/sync/notes?token=old'), EXPIRED);
    for (const other of [
      handshake('/sync/notes?token=new'),
      handshake('/sync/other?token=old'),
      handshake('/sync/notes?token=old', { remoteAddress: '198.51.100.1' }),
      handshake('/sync/notes?token=old', { protocols: ['a.b.c'] }),
      handshake('/sync/notes?token=old', { origin: 'https://docs.example.com' }),
    ]) {
      expect(refusals.recall(other)).toBeNull();
    }
    expect(refusals.recall(handshake('/sync/notes?token=old'))).toMatchObject(EXPIRED);
  });

  it('holds at most its bound, forgetting the oldest refusals first', () => {
    const { clock, refusals } = memory(60_000, 3);
    for (let i = 0; i < 10; i++) {
      clock.now += 1;
      refusals.remember(handshake(`/sync/doc-${i}`), EXPIRED);
    }
    expect(refusals.size).toBe(3);
    expect(refusals.recall(handshake('/sync/doc-6'))).toBeNull();
    expect(refusals.recall(handshake('/sync/doc-7'))).toMatchObject(EXPIRED);
    expect(refusals.recall(handshake('/sync/doc-9'))).toMatchObject(EXPIRED);
  });

  it('keeps a fixed-size entry however long the request path', () => {
    const { refusals } = memory(60_000, 2);
    refusals.remember(handshake(`/sync/${'x'.repeat(10_000)}`), EXPIRED);
    refusals.remember(handshake(`/sync/${'y'.repeat(10_000)}`), EXPIRED);
    const keys = [...(refusals as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys.map((k) => k.length)).toEqual([44, 44]);
  });

  it('drops expired refusals when new ones arrive', () => {
    const { clock, refusals } = memory(1000);
    refusals.remember(handshake('/sync/a'), EXPIRED);
    refusals.remember(handshake('/sync/b'), EXPIRED);
    clock.now += 1000;
    refusals.remember(handshake('/sync/c'), EXPIRED);
    expect(refusals.size).toBe(1);
  });

  it('remembers nothing with a window of 0', () => {
    const { refusals } = memory(0);
    refusals.remember(handshake('/sync/notes'), EXPIRED);
    expect(refusals.recall(handshake('/sync/notes'))).toBeNull();
    expect(refusals.size).toBe(0);
  });
});
