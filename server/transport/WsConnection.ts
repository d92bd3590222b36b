import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { CloseCode, isFinalCloseCode } from '../../shared/closeCodes.ts';
import { KEEPALIVE_FRAME } from '../../shared/protocol.ts';
import { admitConnection, type AdmissionPolicy, type Handshake } from '../access/admitConnection.ts';
import type { Logger } from '../logger.ts';
import type { Access } from '../../shared/access.ts';
import { NO_CONNECTION_METRICS, type ConnectionMetrics } from '../metrics/ConnectionMetrics.ts';
import { DocumentDeletedError } from '../rooms/DocumentDeletedError.ts';
import type { RoomConnection } from '../rooms/RoomConnection.ts';
import type { RoomSocket } from '../rooms/RoomSocket.ts';
import { frameOnce } from './binaryFrame.ts';
import type { Heartbeat } from './Heartbeat.ts';
import type { RefusalMemory } from './RefusalMemory.ts';
import { TokenBucket } from './TokenBucket.ts';

/** What the transport needs of its connection to a room: hand it frames, say when it closed. */
type RoomMembership = Pick<RoomConnection, 'receive' | 'leave'>;

/** Limits every connection shares (one object for all of them). */
interface ConnectionLimits {
  /** Frames above this size close the socket with 4413. */
  maxMessageBytes: number;
  /** Unsent bytes above which a slow reader is closed (retryable) rather than buffered. */
  maxBufferedBytes: number;
  /** Frames per second a connection may send, sustained and in a burst. */
  maxMessagesPerSecond: number;
  maxMessageBurst: number;
}

/** What a connection needs from the rest of the server. */
export interface ConnectionDeps {
  admission: AdmissionPolicy;
  rooms: { join(doc: string, socket: RoomSocket, access: Access): Promise<RoomMembership> };
  heartbeat: Heartbeat;
  /** Final refusals are noted, so that a client that repeats the handshake is refused over HTTP. */
  refusals: Pick<RefusalMemory, 'remember'>;
  limits: ConnectionLimits;
  logger: Logger;
  /** Where sockets' counts go (nothing by default). */
  metrics?: ConnectionMetrics;
}

/** setTimeout cannot wait longer than this; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Connection ids, unique per process: every log line about a socket carries its id. */
let lastConnectionId = 0;

/** WebSocket close reasons are limited to 123 bytes of UTF-8. */
const MAX_CLOSE_REASON_BYTES = 123;

function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.byteLength <= MAX_CLOSE_REASON_BYTES) return reason;
  // Cut on a character boundary by decoding leniently and dropping a trailing U+FFFD.
  return bytes
    .subarray(0, MAX_CLOSE_REASON_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

/**
 * One client's `/sync/<doc>` WebSocket, from the upgrade to its close: admission (before the
 * document loads; frames that arrive meanwhile are queued, since the client sends its step 1
 * at once), its session in the document's room, the token's expiry, and the guards that
 * make it a safe `RoomSocket`: only binary frames within the size and rate limits get
 * through, and a peer that cannot keep up is closed instead of growing server memory.
 *
 * Outgoing data frames are written to the TCP connection directly, pre-framed once per
 * broadcast (`frameOnce`), rather than through `ws.send`, which frames the message again for
 * every socket and writes header and payload as two buffers. That is sound because ws,
 * without permessage-deflate, never holds frames back: its pings and its close frame are
 * written at once, in the order they are sent, like ours. A socket that negotiated
 * compression (PER_MESSAGE_DEFLATE=true) goes through `ws.send`.
 *
 * A class rather than closures because one lives as long as its socket: it holds only what
 * it uses, which keeps an idle connection's memory small.
 */
export class WsConnection implements RoomSocket {
  private readonly ws: WebSocket;
  /** The upgraded TCP connection under `ws`; null when an extension transforms frames. */
  private readonly tcp: Duplex | null;
  private readonly address: string;
  private readonly deps: ConnectionDeps;
  private readonly metrics: ConnectionMetrics;
  private readonly rate: TokenBucket;
  /** For log lines: which socket, and since when (`performance.now()`). */
  readonly id = ++lastConnectionId;
  private readonly openedAt = performance.now();
  /** Known once admitted (for log lines). */
  private doc: string | null = null;
  private session: RoomMembership | null = null;
  /** Frames that arrived before the room was joined; null once joined. */
  private queued: Uint8Array[] | null = [];
  private queuedBytes = 0;
  /** A close was sent or the socket is gone: nothing more goes out or comes in. */
  private closing = false;
  /** The socket has closed (its `close` event). */
  private closed = false;
  /** Holds one of the connection limiter's slots (from admission until close). */
  private holdsSlot = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  private pongSinceLastBeat = true;
  private sentSinceLastBeat = false;

  constructor(ws: WebSocket, tcp: Duplex, handshake: Handshake, deps: ConnectionDeps) {
    this.ws = ws;
    this.tcp = ws.extensions === '' ? tcp : null;
    this.address = handshake.remoteAddress;
    this.deps = deps;
    this.metrics = deps.metrics ?? NO_CONNECTION_METRICS;
    this.rate = new TokenBucket(deps.limits.maxMessagesPerSecond, deps.limits.maxMessageBurst);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.pongSinceLastBeat = true;
    });
    ws.on('error', (error) => deps.logger.debug({ ...this.describe(), err: error }, 'socket error'));
    ws.once('close', (code: number) => this.onClose(code));
    deps.heartbeat.add(this);
    this.open(handshake).catch((error: unknown) => {
      deps.logger.error({ ...this.describe(), err: error }, 'could not open a sync connection');
      this.close(CloseCode.InternalError, 'internal error');
    });
  }

  send(frame: Uint8Array): void {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return;
    const buffered = this.tcp?.writableLength ?? this.ws.bufferedAmount;
    if (buffered > this.deps.limits.maxBufferedBytes) {
      // It resyncs everything it missed when it reconnects (its step 1 asks for it).
      this.metrics.slowReader();
      this.deps.logger.warn(
        { ...this.describe(), bufferedBytes: buffered },
        'closing a socket that reads too slowly',
      );
      this.close(CloseCode.TryAgainLater, 'client is reading too slowly');
      return;
    }
    this.sentSinceLastBeat = true;
    if (this.tcp !== null) this.tcp.write(frameOnce(frame));
    else this.ws.send(frame);
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.metrics.closedByServer(code);
    this.ws.close(code, truncateReason(reason));
  }

  /**
   * Called by `Heartbeat` once per interval: a peer that has not answered the previous ping
   * is dead and is dropped; a peer that was sent nothing gets a keepalive the browser sees.
   */
  beat(): void {
    if (!this.pongSinceLastBeat) {
      this.deps.logger.debug(this.describe(), 'no pong since the last ping: terminating');
      this.closing = true;
      this.ws.terminate();
      return;
    }
    this.pongSinceLastBeat = false;
    this.ws.ping();
    if (!this.sentSinceLastBeat) this.send(KEEPALIVE_FRAME);
    this.sentSinceLastBeat = false;
  }

  private async open(handshake: Handshake): Promise<void> {
    const { deps } = this;
    // Admission's own log lines name this connection too (one child logger per handshake).
    const admissionLogger = deps.admission.logger.child({ conn: this.id });
    const admission = await admitConnection(handshake, { ...deps.admission, logger: admissionLogger });
    if (admission.kind === 'refused') {
      if (isFinalCloseCode(admission.code)) deps.refusals.remember(handshake, admission);
      this.metrics.refused(admission.code, admission.denial ?? null);
      // The reason is what the client is told (never the token itself).
      deps.logger.info(
        { ...this.describe(), code: admission.code, reason: admission.reason },
        'refused a sync socket',
      );
      this.close(admission.code, admission.reason);
      return;
    }
    this.doc = admission.doc;
    if (this.closed) {
      deps.admission.connections.release(this.address);
      return;
    }
    this.holdsSlot = true;
    if (admission.expiresAt !== null) this.closeAtExpiry(admission.expiresAt);
    let session: RoomMembership;
    try {
      session = await deps.rooms.join(admission.doc, this, admission.access);
    } catch (error) {
      if (error instanceof DocumentDeletedError) {
        this.close(CloseCode.DocumentDeleted, error.message);
      } else {
        deps.logger.error({ ...this.describe(), err: error }, 'could not load the document for a socket');
        this.close(CloseCode.InternalError, 'could not load the document');
      }
      return;
    }
    if (this.closed) {
      session.leave();
      return;
    }
    this.session = session;
    deps.logger.debug({ ...this.describe(), role: admission.access.role }, 'sync socket opened');
    const backlog = this.queued ?? [];
    this.queued = null;
    for (const frame of backlog) {
      // A frame the room refused closed the socket: what was sent after it is not taken
      // (an update after a refused one may depend on it, and would never apply).
      if (this.closing) break;
      session.receive(frame);
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    if (!isBinary) {
      this.close(CloseCode.InvalidMessage, 'expected binary frames');
      return;
    }
    this.metrics.frameReceived(data.byteLength);
    if (!this.rate.take()) {
      this.metrics.rateLimited();
      this.deps.logger.warn(this.describe(), 'closing a socket that sends too many messages');
      this.close(CloseCode.RateLimited, 'too many messages');
      return;
    }
    const { maxMessageBytes } = this.deps.limits;
    if (data.byteLength > maxMessageBytes) {
      this.deps.logger.warn(
        { ...this.describe(), bytes: data.byteLength },
        'closing a socket that sent an oversized frame',
      );
      this.close(CloseCode.MessageTooBig, `frame exceeds ${maxMessageBytes} bytes`);
      return;
    }
    const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (this.session !== null) {
      this.session.receive(frame);
      return;
    }
    this.queuedBytes += frame.byteLength;
    if (this.queuedBytes > maxMessageBytes) {
      this.close(CloseCode.TryAgainLater, 'too much data before the document loaded');
      return;
    }
    // Copied: the frame is a view into a socket read buffer and must outlive this callback.
    this.queued?.push(frame.slice());
  }

  private onClose(code: number): void {
    if (this.session !== null) {
      const durationMs = Math.round(performance.now() - this.openedAt);
      this.deps.logger.debug({ ...this.describe(), code, durationMs }, 'sync socket closed');
    }
    this.closing = true;
    this.closed = true;
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    if (this.holdsSlot) this.deps.admission.connections.release(this.address);
    this.deps.heartbeat.delete(this);
    this.session?.leave();
  }

  private closeAtExpiry(expiresAt: number): void {
    this.expiryTimer = setTimeout(
      () => {
        if (expiresAt <= Date.now()) this.close(CloseCode.Unauthorized, 'token expired');
        else this.closeAtExpiry(expiresAt);
      },
      Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS),
    );
  }

  /** Who this is, for log lines; built only when something is logged. */
  private describe(): Record<string, unknown> {
    return { conn: this.id, doc: this.doc, address: this.address };
  }
}
