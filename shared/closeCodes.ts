/**
 * WebSocket close codes Inkwell sends, shared by server and client.
 *
 * The stock y-websocket client (3.x) stops reconnecting after a code in 4400–4499, so that
 * range is reserved for final answers (retrying would get the same answer). "Come back
 * later" answers use 1011–1013, which the client retries with its backoff.
 */
export const CloseCode = {
  /** Normal closure. */
  Normal: 1000,
  /** The server hit an internal error (e.g. storage failed); the client should retry. */
  InternalError: 1011,
  /** The server is restarting or shutting down; the client should retry. */
  ServiceRestart: 1012,
  /** The server is overloaded or the client reads too slowly; the client should retry. */
  TryAgainLater: 1013,
  /** The document name in the URL is invalid. */
  BadDocumentName: 4400,
  /** Missing, malformed, badly signed or expired token. */
  Unauthorized: 4401,
  /** Valid token, but not for this document or role. */
  Forbidden: 4403,
  /**
   * The document is in the trash, or was purged: final, so that a client holding a copy
   * (IndexedDB, an open tab) does not write it back. Restoring a trashed one lets clients
   * connect again; a purged name is refused for good (the close reason says which:
   * `DeletedReason`).
   */
  DocumentDeleted: 4410,
  /** A frame exceeded the server's message size limit. */
  MessageTooBig: 4413,
  /** A frame could not be decoded, or carried an invalid Yjs update. */
  InvalidMessage: 4422,
  /** Too many messages or connections from one client; it may retry after its backoff. */
  RateLimited: 4529,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * The close reason of a DocumentDeleted close: the web app tells "in the trash" (Restore it)
 * from "permanently deleted" (nothing to restore) by it. Stock clients ignore reasons.
 */
export const DeletedReason = {
  Trashed: 'this document was deleted',
  Purged: 'this document was permanently deleted',
} as const;
export type DeletedReason = (typeof DeletedReason)[keyof typeof DeletedReason];

/** True when a close code is a final answer the client must not retry. */
export function isFinalCloseCode(code: number): boolean {
  return code >= 4400 && code <= 4499;
}
