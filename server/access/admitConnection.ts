import { Role } from '../../shared/access.ts';
import { hostAllowed, originAllowed, type BrowserGuard } from './browserGuard.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import { parseDocNameFromPath } from '../../shared/docName.ts';
import type { Logger } from '../logger.ts';
import type { Access } from '../../shared/access.ts';
import { Denial, type Authorizer, type Denied } from './authorize.ts';
import type { ConnectionLimiter } from './ConnectionLimiter.ts';

/** Sync sockets live under this path: `/sync/<doc>`. */
export const SYNC_PATH_PREFIX = '/sync/';

/** What a client's handshake says about it: facts only, whatever the transport. */
export interface Handshake {
  /** Path and query string, as in the request line. */
  path: string;
  /** The browser's Origin header, if any. */
  origin: string | undefined;
  /** The Host header: the name the client used to reach the server. */
  host: string | undefined;
  remoteAddress: string;
  /** Offered Sec-WebSocket-Protocol values (a token may travel there). */
  protocols: readonly string[];
}

/** The documents in memory, as far as admission needs to know. */
interface OpenDocuments {
  readonly loadedCount: number;
  hasRoom(name: string): boolean;
}

/** Everything admission consults besides the handshake. */
export interface AdmissionPolicy {
  authorizer: Authorizer;
  /** Browser origins allowed to connect; null allows any. */
  allowedOrigins: readonly string[] | null;
  /** With auth off: which names and browser origins may use the server; null with auth on. */
  browserGuard: BrowserGuard | null;
  connections: ConnectionLimiter;
  documents: OpenDocuments;
  maxLoadedDocuments: number;
  /** Longest document name, in UTF-8 bytes. */
  maxDocNameBytes: number;
  isShuttingDown(): boolean;
  logger: Logger;
}

/**
 * The connection may open `doc`. It holds one of `connections`' slots for its address,
 * which its transport releases when it closes.
 */
type Admitted = {
  kind: 'admitted';
  doc: string;
  access: Access;
  /** When the token expires (ms since the epoch) and the connection must close; null: never. */
  expiresAt: number | null;
};
/**
 * The connection must be closed with `code` and `reason`; it holds no slot. `denial` says
 * why its token was refused, if that was the reason (counted by the metrics).
 */
type Refused = { kind: 'refused'; code: CloseCode; reason: string; denial?: Denial };

const looksLikeJwt = (value: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);

/** Only the path and query of a request line are ours to read; the host is irrelevant. */
const URL_BASE = 'http://inkwell.invalid';

const refuse = (code: CloseCode, reason: string): Refused => ({ kind: 'refused', code, reason });

/**
 * Decides whether a sync connection may open its document, before the document loads. In
 * order: name (4400), shutdown (1012), origin (4403), connection limits (1013/4529), token
 * (4401) and its document (4403), the open-document limit (1013).
 */
export async function admitConnection(
  handshake: Handshake,
  policy: AdmissionPolicy,
): Promise<Admitted | Refused> {
  let url: URL;
  try {
    url = new URL(handshake.path, URL_BASE);
  } catch {
    return refuse(CloseCode.BadDocumentName, 'malformed request path');
  }
  const parsed = parseDocNameFromPath(rawDocName(handshake.path), policy.maxDocNameBytes);
  if (!parsed.ok) {
    policy.logger.info({ reason: parsed.reason }, 'refused a sync socket with a bad document name');
    return refuse(CloseCode.BadDocumentName, parsed.reason);
  }
  const doc = parsed.name;
  if (policy.isShuttingDown()) return refuse(CloseCode.ServiceRestart, 'server is shutting down');
  // Cross-site WebSocket hijacking: a page elsewhere must not use a visitor's browser to
  // reach us. Clients that send no Origin are not browsers, and could forge one anyway.
  const { origin, host, remoteAddress } = handshake;
  if (policy.browserGuard !== null) {
    // Auth off: nothing else stands between a page elsewhere and the documents.
    if (!hostAllowed(policy.browserGuard, host)) {
      policy.logger.warn({ host }, 'refused a sync socket for a host name not served');
      return refuse(CloseCode.Forbidden, 'host not allowed: add it to ALLOWED_HOSTS');
    }
    if (!originAllowed(policy.browserGuard, origin, host)) {
      policy.logger.warn({ origin }, 'refused a sync socket from a foreign origin');
      return refuse(CloseCode.Forbidden, 'origin not allowed');
    }
  } else if (
    policy.allowedOrigins !== null &&
    origin !== undefined &&
    !policy.allowedOrigins.includes(origin)
  ) {
    policy.logger.warn({ origin }, 'refused a sync socket from a foreign origin');
    return refuse(CloseCode.Forbidden, 'origin not allowed');
  }
  // The slot is taken before the token is checked, so that a burst of handshakes from one
  // address cannot pass the limit while their tokens are being verified.
  const limit = policy.connections.tryAcquire(remoteAddress);
  if (limit !== 'ok') {
    policy.logger.warn({ address: remoteAddress, limit }, 'refused a sync socket over a connection limit');
    return limit === 'total'
      ? refuse(CloseCode.TryAgainLater, 'server is at its connection limit')
      : refuse(CloseCode.RateLimited, 'too many connections from this address');
  }
  const decision = await policy.authorizer.authorize(tokenFrom(handshake, url), {
    kind: 'document',
    doc,
    role: Role.Read,
  });
  const admission: Admitted | Refused =
    decision.kind === 'denied'
      ? refusalFor(decision)
      : (openDocumentLimit(doc, policy) ?? {
          kind: 'admitted',
          doc,
          access: decision.access,
          expiresAt: decision.caller.expiresAt,
        });
  if (admission.kind === 'refused') policy.connections.release(remoteAddress);
  return admission;
}

/**
 * Everything after `/sync/` up to the query, as sent: the room name may hold `/`
 * (`playground/0/main`). Not `URL.pathname`, which would already have removed `.` and `..`
 * segments (and `%2e%2e`) that the name rule refuses. Decoded exactly once, by
 * parseDocNameFromPath.
 */
function rawDocName(path: string): string {
  const query = path.indexOf('?');
  return (query === -1 ? path : path.slice(0, query)).slice(SYNC_PATH_PREFIX.length);
}

/** The token from `?token=` (the y-websocket client's `params`) or a subprotocol. */
function tokenFrom(handshake: Handshake, url: URL): string | null {
  return url.searchParams.get('token') ?? handshake.protocols.find(looksLikeJwt) ?? null;
}

function refusalFor(denied: Denied): Refused {
  const { denial } = denied;
  switch (denial) {
    case Denial.MissingToken:
    case Denial.InvalidToken:
      return { ...refuse(CloseCode.Unauthorized, denied.message), denial };
    case Denial.Forbidden:
      return { ...refuse(CloseCode.Forbidden, 'token is not for this document'), denial };
    default: {
      const unhandled: never = denial;
      throw new Error(`unhandled denial ${String(unhandled)}`);
    }
  }
}

/** Opening one more document past the limit would grow memory without bound. */
function openDocumentLimit(doc: string, policy: AdmissionPolicy): Refused | null {
  const { documents, maxLoadedDocuments: limit } = policy;
  if (documents.hasRoom(doc) || documents.loadedCount < limit) return null;
  policy.logger.warn({ doc, limit }, 'refused to open another document');
  return refuse(CloseCode.TryAgainLater, 'too many open documents');
}
