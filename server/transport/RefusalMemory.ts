import { createHash } from 'node:crypto';
import type { Handshake } from '../access/admitConnection.ts';
import type { CloseCode } from '../../shared/closeCodes.ts';

/** A final refusal (a 44xx close code) and its reason, as admission gave it. */
export interface FinalRefusal {
  code: CloseCode;
  reason: string;
}

/** A refusal repeated over HTTP; `repeat` counts them since admission refused (1, 2, …). */
export interface RepeatedRefusal extends FinalRefusal {
  repeat: number;
}

interface RefusalMemoryOptions {
  /** How long a refusal by close is repeated over HTTP; 0: never. */
  windowMs: number;
  /** At most this many handshakes are remembered; the oldest refusals go first. */
  maxEntries: number;
  /** Milliseconds since the epoch (injected so tests control time). */
  now?: () => number;
}

interface Entry extends FinalRefusal {
  /** When admission refused this handshake (with a close, not over HTTP). */
  at: number;
  /** HTTP answers given since. */
  repeats: number;
}

/**
 * Which handshakes were recently refused for good, so that a repeat is refused at the HTTP
 * level, before the upgrade (issue 15).
 *
 * Why: y-websocket clients before 3.1 ignore close codes and reset their backoff whenever a
 * socket opens. A 44xx close comes after the open, so a stale tab with an expired token
 * reconnected about ten times a second, for ever. A refused HTTP upgrade never opens: those
 * clients count it as a failed attempt and back off (100 ms doubling up to 2.5 s). The first
 * refusal stays a 44xx close, which y-websocket 3.1 and later take as final.
 *
 * The key is the whole handshake (address, path with its query, subprotocols, origin), hashed:
 * a client that comes back with a new token or to another document is asked afresh, never
 * locked out by an old answer. Size is bounded, so handshakes an attacker invents only evict
 * older entries (whose clients then get a close again, as before this existed).
 */
export class RefusalMemory {
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** In order of refusal: the first entry is the oldest. */
  private readonly entries = new Map<string, Entry>();

  constructor(options: RefusalMemoryOptions) {
    this.windowMs = options.windowMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** How many handshakes are remembered (for tests and a future metric). */
  get size(): number {
    return this.entries.size;
  }

  /** Notes that admission refused this handshake with a final answer. */
  remember(handshake: Handshake, refusal: FinalRefusal): void {
    if (this.windowMs <= 0 || this.maxEntries <= 0) return;
    const key = keyOf(handshake);
    this.entries.delete(key);
    this.evictExpired();
    while (this.entries.size >= this.maxEntries) this.deleteOldest();
    this.entries.set(key, { code: refusal.code, reason: refusal.reason, at: this.now(), repeats: 0 });
  }

  /**
   * The refusal to repeat when admission refused the same handshake within the window, else
   * null. A repeat does not renew the window: once it has passed, the handshake goes through
   * admission and gets its close again. A y-websocket 3.1 client created anew with the same
   * handshake (a page reload) sees HTTP answers as retryable, and the close then stops it;
   * older clients get one fast retry per window (the open resets their backoff).
   */
  recall(handshake: Handshake): RepeatedRefusal | null {
    const key = keyOf(handshake);
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (this.now() - entry.at >= this.windowMs) {
      this.entries.delete(key);
      return null;
    }
    entry.repeats++;
    return { code: entry.code, reason: entry.reason, repeat: entry.repeats };
  }

  /** Expired entries sit at the front (oldest first): drop them from there. */
  private evictExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (now - entry.at < this.windowMs) return;
      this.entries.delete(key);
    }
  }

  private deleteOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}

/** A fixed-size key, however long the path: memory per entry does not grow with the request. */
function keyOf(handshake: Handshake): string {
  return createHash('sha256')
    .update(handshake.remoteAddress)
    .update('\0')
    .update(handshake.path)
    .update('\0')
    .update(handshake.protocols.join(','))
    .update('\0')
    .update(handshake.origin ?? '')
    .update('\0')
    .update(handshake.host ?? '')
    .digest('base64');
}
