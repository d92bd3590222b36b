import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { docPatternMatches, type AccessClaims } from '../../shared/access.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import { parseDocNameFromPath } from '../../shared/docName.ts';
import { TokenError, type TokenVerifier } from '../auth/TokenVerifier.ts';
import type { Logger } from '../logger.ts';
import type { SessionAccess } from '../rooms/Room.ts';
import type { RoomRegistry, RoomSession } from '../rooms/RoomRegistry.ts';
import type { ConnectionLimiter } from '../transport/ConnectionLimiter.ts';
import type { Heartbeat } from '../transport/Heartbeat.ts';
import { WsRoomSocket } from '../transport/WsRoomSocket.ts';

export const SYNC_PATH_PREFIX = '/sync/';

/** setTimeout cannot wait longer than this; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SyncLimits {
  maxMessageBytes: number;
  maxBufferedBytes: number;
  maxMessagesPerSecond: number;
  maxMessageBurst: number;
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
 * The closures below live as long as the socket: they keep strings, not the handshake.
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
  const remoteAddress = handshake.remoteAddress;
  const admitted = deps.connections.tryAcquire(remoteAddress);
  if (admitted !== 'ok') {
    deps.logger.warn(
      { address: remoteAddress, limit: admitted },
      'refused a sync socket over a connection limit',
    );
    if (admitted === 'total') ws.close(CloseCode.TryAgainLater, 'server is at its connection limit');
    else ws.close(CloseCode.RateLimited, 'too many connections from this address');
    return;
  }

  const name = parsed.name;
  const token = deps.verifier === null ? null : tokenFrom(handshake, url);
  const logger = deps.logger.child({ doc: name });
  let session: RoomSession | null = null;
  let closed = false;
  let expiryTimer: NodeJS.Timeout | null = null;
  let queued: Uint8Array[] = [];
  let queuedBytes = 0;

  const socket = new WsRoomSocket(ws, connection, {
    ...deps.limits,
    logger,
    onFrame(frame) {
      if (session !== null) {
        session.receive(frame);
        return;
      }
      queuedBytes += frame.byteLength;
      if (queuedBytes > deps.limits.maxMessageBytes) {
        socket.close(CloseCode.TryAgainLater, 'too much data before the document loaded');
        return;
      }
      // Copied: the frame is a view into a socket read buffer and must outlive this callback.
      queued.push(frame.slice());
    },
    onClose() {
      closed = true;
      if (expiryTimer !== null) clearTimeout(expiryTimer);
      deps.connections.release(remoteAddress);
      deps.heartbeat.delete(socket);
      session?.leave();
    },
  });
  deps.heartbeat.add(socket);

  const closeAtExpiry = (claims: AccessClaims) => {
    const remaining = claims.exp * 1000 - Date.now();
    expiryTimer = setTimeout(
      () => {
        if (claims.exp * 1000 <= Date.now()) socket.close(CloseCode.Unauthorized, 'token expired');
        else closeAtExpiry(claims);
      },
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
  };

  const authorize = async (): Promise<SessionAccess | null> => {
    if (deps.verifier === null) return { role: 'write' };
    if (token === null) {
      socket.close(CloseCode.Unauthorized, 'missing token');
      return null;
    }
    let claims: AccessClaims;
    try {
      claims = await deps.verifier.verify(token);
    } catch (error) {
      socket.close(CloseCode.Unauthorized, error instanceof TokenError ? error.message : 'invalid token');
      return null;
    }
    if (!docPatternMatches(claims.doc, name)) {
      socket.close(CloseCode.Forbidden, 'token is not for this document');
      return null;
    }
    closeAtExpiry(claims);
    return { role: claims.role };
  };

  void (async () => {
    const access = await authorize();
    if (access === null || closed) return;
    if (!deps.registry.isLoaded(name) && deps.registry.loadedCount >= deps.limits.maxLoadedDocuments) {
      logger.warn({ limit: deps.limits.maxLoadedDocuments }, 'refused to open another document');
      socket.close(CloseCode.TryAgainLater, 'too many open documents');
      return;
    }
    let joined: RoomSession;
    try {
      joined = await deps.registry.join(name, socket, access);
    } catch {
      socket.close(CloseCode.InternalError, 'could not load the document');
      return;
    }
    if (closed) {
      joined.leave();
      return;
    }
    session = joined;
    const backlog = queued;
    queued = [];
    for (const frame of backlog) joined.receive(frame);
  })();
}
