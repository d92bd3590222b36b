import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { RepeatedRefusal } from './RefusalMemory.ts';

interface HeldRefusalsOptions {
  /** The first repeat is answered after this long; each further one waits twice as long. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Sockets held at once; past it, answers go out at once (an attacker cannot pile up sockets). */
  maxHeld: number;
}

/**
 * Answers repeated refusals over HTTP, each a little later than the last (issue 15).
 *
 * Why wait: a refused upgrade makes clients before y-websocket 3.1 back off, but their
 * backoff stops growing at 2.5 s (24 handshakes a minute for ever). Holding the answer adds
 * to every wait, so a stale tab's retries keep falling: 250 ms, 500 ms, … up to `maxDelayMs`.
 * The socket costs one file descriptor meanwhile, for a bounded number of sockets.
 */
export class HeldRefusals {
  private readonly options: HeldRefusalsOptions;
  private readonly held = new Set<Duplex>();

  constructor(options: HeldRefusalsOptions) {
    this.options = options;
  }

  /** Answers the handshake on `socket` with the refusal, now or after its delay. */
  answer(socket: Duplex, refusal: RepeatedRefusal): void {
    const response = httpRefusal(refusal);
    const { firstDelayMs, maxDelayMs, maxHeld } = this.options;
    const delay = Math.min(firstDelayMs * 2 ** (refusal.repeat - 1), maxDelayMs);
    if (delay <= 0 || this.held.size >= maxHeld) {
      socket.end(response);
      return;
    }
    this.held.add(socket);
    // A client that gives up meanwhile resets the connection: that must not throw.
    socket.on('error', () => socket.destroy());
    const timer = setTimeout(() => {
      this.held.delete(socket);
      socket.end(response);
    }, delay);
    socket.once('close', () => {
      clearTimeout(timer);
      this.held.delete(socket);
    });
  }

  /** On shutdown: held sockets must not keep the server from closing. */
  dropAll(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }
}

/**
 * The refusal as an HTTP answer: 44xx close codes mirror the HTTP 4xx class (4400 → 400,
 * 4401 → 401, 4403 → 403), and the reason is the same text the close carried.
 */
function httpRefusal(refusal: RepeatedRefusal): string {
  const status = refusal.code - 4000;
  const body = Buffer.from(`${refusal.reason}\n`, 'utf8');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\n` +
    'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.byteLength}\r\n\r\n${body.toString('utf8')}`
  );
}
