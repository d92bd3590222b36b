import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { docPatternMatches, type AccessClaims } from '../../shared/access.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import { parseDocNameFromPath } from '../../shared/docName.ts';
import { TokenError, type TokenVerifier } from '../auth/TokenVerifier.ts';
import type { Logger } from '../logger.ts';
import type { ConnectionAccess, RoomConnection } from '../rooms/RoomConnection.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { ConnectionLimiter } from '../transport/ConnectionLimiter.ts';
import type { Heartbeat } from '../transport/Heartbeat.ts';
import { WsRoomSocket, type SocketLimits, type SocketListener } from '../transport/WsRoomSocket.ts';

export const SYNC_PATH_PREFIX = '/sync/';

/** setTimeout cannot wait longer than this; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SyncLimits extends SocketLimits {
  maxLoadedDocuments: number;
}

export interface SyncEndpointDeps {
  registry: RoomRegistry;
  heartbeat: Heartbeat;
  logger: Logger;
  limits: SyncLimits;
  connections: ConnectionLimiter;
  /** Null when auth is off: every connection may write. */
  verifier: TokenVerifier | null;
  /** Browser origins allowed to connect; null allows any. */
  allowedOrigins: string[] | null;
  isShuttingDown(): boolean;
}

/** What the upgrade request said about the client. */
export interface Handshake {
  /** Path and query string, as in the request line. */
  path: string;
  /** The browser's Origin header, if any. */
  origin: string | undefined;
  remoteAddress: string;
  /** Offered Sec-WebSocket-Protocol values (a token may travel there). */
  protocols: string[];
}

const looksLikeJwt = (value: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);

/** The token from `?token=` (the y-websocket client's `params`) or a subprotocol. */
function tokenFrom(handshake: Handshake, url: URL): string | null {
  return url.searchParams.get('token') ?? handshake.protocols.find(looksLikeJwt) ?? null;
}

/** Only the path and query of a request line are ours to read; the host is irrelevant. */
const URL_BASE = 'http://inkwell.invalid';

/**
 * Serves one upgraded `/sync/<doc>` WebSocket. Every check happens before the document is
 * loaded: name, shutdown, origin, connection limits, token and access, open-document limit.
 * Frames that arrive meanwhile are queued (the client sends its step 1 at once).
 */
export function serveSyncSocket(
  ws: WebSocket,
  connection: Duplex,
  handshake: Handshake,
  deps: SyncEndpointDeps,
): void {
  let url: URL;
  try {
    url = new URL(handshake.path, URL_BASE);
  } catch {
    ws.close(CloseCode.BadDocumentName, 'malformed request path');
    return;
  }
  // The raw (undecoded) path: the name is decoded exactly once, by parseDocNameFromPath.
  const parsed = parseDocNameFromPath(url.pathname.slice(SYNC_PATH_PREFIX.length));
  if (!parsed.ok) {
    deps.logger.info({ reason: parsed.reason }, 'refused a sync socket with a bad document name');
    ws.close(CloseCode.BadDocumentName, parsed.reason);
    return;
  }
  if (deps.isShuttingDown()) {
    ws.close(CloseCode.ServiceRestart, 'server is shutting down');
    return;
  }
  // Cross-site WebSocket hijacking: a page elsewhere must not use a visitor's browser to
  // reach us. Clients that send no Origin are not browsers, and could forge one anyway.
  if (deps.allowedOrigins !== null && handshake.origin !== undefined) {
    if (!deps.allowedOrigins.includes(handshake.origin)) {
      deps.logger.warn({ origin: handshake.origin }, 'refused a sync socket from a foreign origin');
      ws.close(CloseCode.Forbidden, 'origin not allowed');
      return;
    }
  }
  const admitted = deps.connections.tryAcquire(handshake.remoteAddress);
  if (admitted !== 'ok') {
    deps.logger.warn(
      { address: handshake.remoteAddress, limit: admitted },
      'refused a sync socket over a connection limit',
    );
    if (admitted === 'total') ws.close(CloseCode.TryAgainLater, 'server is at its connection limit');
    else ws.close(CloseCode.RateLimited, 'too many connections from this address');
    return;
  }
  const token = deps.verifier === null ? null : tokenFrom(handshake, url);
  void new SyncConnection(ws, connection, parsed.name, handshake.remoteAddress, deps).open(token);
}

/**
 * One admitted sync socket, from the access check to its close. A class rather than closures
 * because one lives as long as its socket: it holds only what it needs (strings, the socket,
 * the session), which keeps an idle connection's memory small.
 */
class SyncConnection implements SocketListener {
  private readonly name: string;
  private readonly remoteAddress: string;
  private readonly deps: SyncEndpointDeps;
  private readonly socket: WsRoomSocket;
  private session: RoomConnection | null = null;
  private closed = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  /** Frames that arrived before the document loaded; null once joined. */
  private queued: Uint8Array[] | null = [];
  private queuedBytes = 0;

  constructor(
    ws: WebSocket,
    connection: Duplex,
    name: string,
    remoteAddress: string,
    deps: SyncEndpointDeps,
  ) {
    this.name = name;
    this.remoteAddress = remoteAddress;
    this.deps = deps;
    this.socket = new WsRoomSocket(ws, connection, deps.limits, deps.logger, this);
    deps.heartbeat.add(this.socket);
  }

  onFrame(frame: Uint8Array): void {
    if (this.session !== null) {
      this.session.receive(frame);
      return;
    }
    this.queuedBytes += frame.byteLength;
    if (this.queuedBytes > this.deps.limits.maxMessageBytes) {
      this.socket.close(CloseCode.TryAgainLater, 'too much data before the document loaded');
      return;
    }
    // Copied: the frame is a view into a socket read buffer and must outlive this callback.
    this.queued?.push(frame.slice());
  }

  describe(): Record<string, unknown> {
    return { doc: this.name, address: this.remoteAddress };
  }

  onClose(): void {
    this.closed = true;
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.deps.connections.release(this.remoteAddress);
    this.deps.heartbeat.delete(this.socket);
    this.session?.leave();
  }

  async open(token: string | null): Promise<void> {
    const { deps, name } = this;
    const access = await this.authorize(token);
    if (access === null || this.closed) return;
    if (!deps.registry.hasRoom(name) && deps.registry.loadedCount >= deps.limits.maxLoadedDocuments) {
      deps.logger.warn(
        { doc: name, limit: deps.limits.maxLoadedDocuments },
        'refused to open another document',
      );
      this.socket.close(CloseCode.TryAgainLater, 'too many open documents');
      return;
    }
    let joined: RoomConnection;
    try {
      joined = await deps.registry.join(name, this.socket, access);
    } catch {
      this.socket.close(CloseCode.InternalError, 'could not load the document');
      return;
    }
    if (this.closed) {
      joined.leave();
      return;
    }
    this.session = joined;
    const backlog = this.queued ?? [];
    this.queued = null;
    for (const frame of backlog) joined.receive(frame);
  }

  private async authorize(token: string | null): Promise<ConnectionAccess | null> {
    const verifier = this.deps.verifier;
    if (verifier === null) return { role: 'write' };
    if (token === null) {
      this.socket.close(CloseCode.Unauthorized, 'missing token');
      return null;
    }
    let claims: AccessClaims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      this.socket.close(
        CloseCode.Unauthorized,
        error instanceof TokenError ? error.message : 'invalid token',
      );
      return null;
    }
    if (!docPatternMatches(claims.doc, this.name)) {
      this.socket.close(CloseCode.Forbidden, 'token is not for this document');
      return null;
    }
    this.closeAtExpiry(claims.exp);
    return { role: claims.role };
  }

  private closeAtExpiry(exp: number): void {
    const remaining = exp * 1000 - Date.now();
    this.expiryTimer = setTimeout(
      () => {
        if (exp * 1000 <= Date.now()) this.socket.close(CloseCode.Unauthorized, 'token expired');
        else this.closeAtExpiry(exp);
      },
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
  }
}
