import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { CloseCode } from '../../shared/closeCodes.ts';
import { KEEPALIVE_FRAME } from '../../shared/protocol.ts';
import type { Logger } from '../logger.ts';
import type { RoomSocket } from '../rooms/RoomSocket.ts';
import { frameOnce } from './binaryFrame.ts';
import { TokenBucket } from './TokenBucket.ts';

/** Limits every socket shares (one object for all of them). */
export interface SocketLimits {
  /** Frames above this size close the socket with 4413. */
  maxMessageBytes: number;
  /** Unsent bytes above which a slow reader is closed (retryable) rather than buffered. */
  maxBufferedBytes: number;
  /** Frames per second a connection may send, sustained and in a burst. */
  maxMessagesPerSecond: number;
  maxMessageBurst: number;
}

/** Who hears from the socket. */
export interface SocketListener {
  /** Receives each accepted binary frame. */
  onFrame(frame: Uint8Array): void;
  /** Called once when the socket has closed, for whatever reason. */
  onClose(): void;
  /** Who this is, for log lines (document, address); asked only when something is logged. */
  describe(): Record<string, unknown>;
}

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
 * Adapts a `ws` WebSocket to a `RoomSocket`, and guards the room from it: only binary
 * frames within the size limit get through, and a socket that cannot keep up is closed
 * instead of growing server memory without bound.
 *
 * Outgoing data frames are written to the TCP connection directly, pre-framed once per
 * broadcast (`frameOnce`), rather than through `ws.send`, which frames the message again for
 * every socket and writes header and payload as two buffers. That is sound because ws,
 * without permessage-deflate, never holds frames back: its pings and its close frame are
 * written at once, in the order they are sent, like ours. A socket that negotiated
 * compression (PER_MESSAGE_DEFLATE=true) goes through `ws.send`.
 */
export class WsRoomSocket implements RoomSocket {
  private readonly ws: WebSocket;
  /** The upgraded TCP connection under `ws`; null when an extension transforms frames. */
  private readonly connection: Duplex | null;
  private readonly limits: SocketLimits;
  private readonly logger: Logger;
  private readonly listener: SocketListener;
  private closing = false;
  private pongSinceLastBeat = true;
  private sentSinceLastBeat = false;
  private readonly rate: TokenBucket;

  constructor(
    ws: WebSocket,
    connection: Duplex,
    limits: SocketLimits,
    logger: Logger,
    listener: SocketListener,
  ) {
    this.ws = ws;
    this.connection = ws.extensions === '' ? connection : null;
    this.limits = limits;
    this.logger = logger;
    this.listener = listener;
    this.rate = new TokenBucket(limits.maxMessagesPerSecond, limits.maxMessageBurst);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.pongSinceLastBeat = true;
    });
    ws.on('error', (error) => this.logger.debug({ ...this.listener.describe(), err: error }, 'socket error'));
    ws.once('close', () => {
      this.closing = true;
      this.listener.onClose();
    });
  }

  send(frame: Uint8Array): void {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return;
    const buffered = this.connection?.writableLength ?? this.ws.bufferedAmount;
    if (buffered > this.limits.maxBufferedBytes) {
      // It resyncs everything it missed when it reconnects (its step 1 asks for it).
      this.logger.warn(
        { ...this.listener.describe(), bufferedBytes: buffered },
        'closing a socket that reads too slowly',
      );
      this.close(CloseCode.TryAgainLater, 'client is reading too slowly');
      return;
    }
    this.sentSinceLastBeat = true;
    if (this.connection !== null) this.connection.write(frameOnce(frame));
    else this.ws.send(frame);
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.ws.close(code, truncateReason(reason));
  }

  /**
   * Called by `Heartbeat` once per interval: a peer that has not answered the previous ping
   * is dead and is dropped; a peer that was sent nothing gets a keepalive the browser sees.
   */
  beat(): void {
    if (!this.pongSinceLastBeat) {
      this.logger.debug(this.listener.describe(), 'no pong since the last ping: terminating');
      this.closing = true;
      this.ws.terminate();
      return;
    }
    this.pongSinceLastBeat = false;
    this.ws.ping();
    if (!this.sentSinceLastBeat) this.send(KEEPALIVE_FRAME);
    this.sentSinceLastBeat = false;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    if (!isBinary) {
      this.close(CloseCode.InvalidMessage, 'expected binary frames');
      return;
    }
    if (!this.rate.take()) {
      this.logger.warn(this.listener.describe(), 'closing a socket that sends too many messages');
      this.close(CloseCode.RateLimited, 'too many messages');
      return;
    }
    if (data.byteLength > this.limits.maxMessageBytes) {
      this.logger.warn(
        { ...this.listener.describe(), bytes: data.byteLength },
        'closing a socket that sent an oversized frame',
      );
      this.close(CloseCode.MessageTooBig, `frame exceeds ${this.limits.maxMessageBytes} bytes`);
      return;
    }
    this.listener.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
}
