import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncStep2 } from '../../shared/protocol.ts';
import type { Logger } from '../logger.ts';
import type { StoredDocument } from '../storage/DocLog.ts';
import { isTransactionOrigin, LOAD_ORIGIN } from './origins.ts';

/** How long a stored snapshot may wait before it is decoded (see RoomDocument). */
const DEFERRED_DECODE_DELAY_MS = 250;

/** The encoding of an empty state vector: what a client that holds nothing sends. */
const isEmptyStateVector = (stateVector: Uint8Array) => stateVector.byteLength === 1 && stateVector[0] === 0;

/**
 * A room's Y.Doc, built from what the log stored, with the sync frames every joiner gets
 * (the server's step 1, a fresh client's step 2) encoded once per version of the document.
 *
 * Decoding a large snapshot into a Y.Doc takes tens of milliseconds, and a fresh client's
 * first sync needs only the snapshot's bytes and state vector, which the log keeps. So a
 * document stored as exactly one snapshot (the common case: every unload compacts) starts
 * with those bytes as its cached frames, and the Y.Doc is built a little later: late enough
 * that the client that caused the load (whose step 1 is usually still in flight) is answered
 * first, and at once when anything needs the content (`materialized()`).
 */
export class RoomDocument {
  /** Encoded once per document version and shared by every joining socket. */
  private fullStateFrame: Uint8Array | null = null;
  private stateVectorFrame: Uint8Array | null = null;
  /** A stored snapshot not yet decoded into the Y.Doc. */
  private unappliedSnapshot: Uint8Array | null = null;
  private destroyed = false;

  /**
   * @param doc the room's Y.Doc, empty; read its content only through `materialized()`.
   * @param onLoaded called once the Y.Doc holds the stored document.
   */
  constructor(
    private readonly doc: Y.Doc,
    stored: StoredDocument | null,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly onLoaded: (doc: Y.Doc) => void,
  ) {
    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      // Origin 'load': the caches already describe this state and stay valid.
      if (!isTransactionOrigin(origin) || origin.kind !== 'load') {
        this.fullStateFrame = null;
        this.stateVectorFrame = null;
      }
    });
    if (stored?.snapshot && stored.snapshotStateVector && stored.updates.length === 0) {
      this.unappliedSnapshot = stored.snapshot;
      this.fullStateFrame = encodeSyncStep2(stored.snapshot);
      this.stateVectorFrame = encodeSyncStep1(stored.snapshotStateVector);
      setTimeout(() => this.materialized(), DEFERRED_DECODE_DELAY_MS).unref();
    } else {
      if (stored !== null) this.replay(stored);
      onLoaded(doc);
    }
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** The Y.Doc with the stored document in it, decoding a deferred snapshot first. */
  materialized(): Y.Doc {
    const snapshot = this.unappliedSnapshot;
    if (snapshot === null || this.destroyed) return this.doc;
    this.unappliedSnapshot = null;
    try {
      Y.applyUpdate(this.doc, snapshot, LOAD_ORIGIN);
    } catch (error) {
      this.logger.error({ err: error, doc: this.name }, 'stored snapshot does not apply');
    }
    this.onLoaded(this.doc);
    return this.doc;
  }

  /** The server's step 1: its state vector. */
  syncStep1Frame(): Uint8Array {
    this.stateVectorFrame ??= encodeSyncStep1(Y.encodeStateVector(this.materialized()));
    return this.stateVectorFrame;
  }

  /** The step 2 answering a client's state vector, or null when that is undecodable. */
  syncStep2Frame(stateVector: Uint8Array): Uint8Array | null {
    if (isEmptyStateVector(stateVector)) {
      this.fullStateFrame ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.materialized()));
      return this.fullStateFrame;
    }
    try {
      return encodeSyncStep2(Y.encodeStateAsUpdate(this.materialized(), stateVector));
    } catch {
      return null;
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.doc.destroy();
  }

  private replay(stored: StoredDocument): void {
    this.doc.transact(() => {
      if (stored.snapshot !== null) Y.applyUpdate(this.doc, stored.snapshot, LOAD_ORIGIN);
      for (const update of stored.updates) {
        try {
          Y.applyUpdate(this.doc, update, LOAD_ORIGIN);
        } catch (error) {
          // Every stored update passed Y.decodeUpdate; one that still fails to apply is
          // skipped so that one bad entry cannot make the whole document unloadable.
          this.logger.error({ err: error, doc: this.name }, 'skipped a stored update that does not apply');
        }
      }
    }, LOAD_ORIGIN);
  }
}
