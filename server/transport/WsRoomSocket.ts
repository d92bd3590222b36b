import type { WebSocket } from 'ws';
import { CloseCode } from '../../shared/closeCodes.ts';
import { KEEPALIVE_FRAME } from '../../shared/protocol.ts';
import type { Logger } from '../logger.ts';
import type { RoomSocket } from '../rooms/RoomSocket.ts';

export interface WsRoomSocketOptions {
  /** Frames above this size close the socket with 4413. */
  maxMessageBytes: number;
  /** Unsent bytes above which a slow reader is closed (retryable) rather than buffered. */
  maxBufferedBytes: number;
  logger: Logger;
  /** Receives each accepted binary frame. */
  onFrame(frame: Uint8Array): void;
  /** Called once when the socket has closed, for whatever reason. */
  onClose(): void;
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
 */
export class WsRoomSocket implements RoomSocket {
  private readonly ws: WebSocket;
  private readonly options: WsRoomSocketOptions;
  private closing = false;
  private pongSinceLastBeat = true;
  private sentSinceLastBeat = false;

  constructor(ws: WebSocket, options: WsRoomSocketOptions) {
    this.ws = ws;
    this.options = options;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.pongSinceLastBeat = true;
    });
    ws.on('error', (error) => options.logger.debug({ err: error }, 'socket error'));
    ws.once('close', () => {
      this.closing = true;
      options.onClose();
    });
  }

  send(frame: Uint8Array): void {
    if (this.closing) return;
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CloseCode.TryAgainLater, 'client is reading too slowly');
      return;
    }
    this.sentSinceLastBeat = true;
    this.ws.send(frame);
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
      this.options.logger.debug('no pong since the last ping: terminating');
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
    if (data.byteLength > this.options.maxMessageBytes) {
      this.options.logger.warn({ bytes: data.byteLength }, 'closing a socket that sent an oversized frame');
      this.close(CloseCode.MessageTooBig, `frame exceeds ${this.options.maxMessageBytes} bytes`);
      return;
    }
    this.options.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
}
