import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isFinalCloseCode } from '../../shared/closeCodes.ts';
import { decodeMessage } from '../../shared/protocol.ts';
import { SaveTracker } from './SaveTracker.ts';

export type ConnectionState = 'connecting' | 'connected' | 'offline';

/** y-indexeddb's object store of updates (the package does not export the name). */
const IDB_UPDATES_STORE = 'updates';

/** What the editor shows about the network and about saving. */
export interface CollabState {
  connection: ConnectionState;
  /** The server has every change made on this device. */
  saved: boolean;
  /** This device's IndexedDB copy has every change made here (it survives a reload). */
  storedLocally: boolean;
  /** The local copy (IndexedDB) has been read: the editor can show content. */
  localLoaded: boolean;
  /** The server's content has arrived since the last (re)connect. */
  serverSynced: boolean;
  /** The server refused access for good (a 44xx close code). */
  refused: { code: number; reason: string } | null;
  /** Someone has typed in this tab (not just read). */
  editedHere: boolean;
}

/** Before anything is known: connecting, nothing unsaved, nothing loaded. */
export const INITIAL_COLLAB_STATE: CollabState = {
  connection: 'connecting',
  saved: true,
  storedLocally: true,
  localLoaded: false,
  serverSynced: false,
  refused: null,
  editedHere: false,
};

/** Where the sync endpoint is: same origin as the page (Vite proxies it in development). */
export function syncServerUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/sync`;
}

/**
 * One open document: its Y.Doc, the IndexedDB copy that makes it work offline, and the
 * WebSocket provider. Create in an effect and `destroy()` in its cleanup (React StrictMode
 * mounts twice; each instance must release its sockets and database handles).
 */
export class CollabSession {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  private readonly local: IndexeddbPersistence;
  private readonly tracker = new SaveTracker();
  private readonly listeners = new Set<() => void>();
  private state: CollabState = INITIAL_COLLAB_STATE;
  private everConnected = false;
  private destroyed = false;
  /** Local changes made, and how many of them IndexedDB has committed. */
  private localChanges = 0;
  private localChangesStored = 0;
  private probeInFlight = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly name: string,
    token: string | null = null,
  ) {
    this.local = new IndexeddbPersistence(`inkwell:${name}`, this.doc);
    // The token travels as `?token=` (the provider's params); the server checks it first.
    // The provider puts the room name in its URL as it is: encoded, any name (`?`, `#`, `%`,
    // `/`) arrives whole, and the server decodes it once.
    this.provider = new WebsocketProvider(syncServerUrl(), encodeURIComponent(name), this.doc, {
      params: token ? { token } : {},
    });

    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      // Server content is confirmed by definition; anything else (typed here, or restored
      // from IndexedDB after an offline session) must be seen on the server first.
      if (origin !== this.provider) this.tracker.noteLocalUpdate(update);
      const typedHere = origin !== this.provider && origin !== this.local;
      if (typedHere) this.confirmStoredLocally();
      this.refresh(typedHere ? { editedHere: true } : {});
    });
    this.local.once('synced', () => this.refresh({ localLoaded: true }));

    this.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') {
        this.everConnected = true;
        this.watchServerFrames();
      }
      this.refresh();
    });
    this.provider.on('sync', () => this.refresh());
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event && isFinalCloseCode(event.code)) {
        this.provider.disconnect();
        this.refresh({ refused: { code: event.code, reason: event.reason } });
      }
    });

    // The provider's backoff can leave it waiting after the network returns: retry now.
    const onOnline = () => {
      if (this.provider.shouldConnect && !this.provider.wsconnected) void this.provider.connect();
      this.refresh();
    };
    // A browser that knows it is offline cannot reach us; close the socket so the status
    // says so at once instead of after the provider's 30 s message timeout.
    const onOffline = () => {
      this.provider.ws?.close();
      this.refresh();
    };
    // Closing the tab now would lose a change that is neither on the server nor on disk.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!this.state.saved && !this.state.storedLocally) event.preventDefault();
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    window.addEventListener('beforeunload', onBeforeUnload);
    this.cleanups.push(() => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('beforeunload', onBeforeUnload);
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): CollabState => this.state;

  destroy(): void {
    this.destroyed = true;
    for (const cleanup of this.cleanups) cleanup();
    this.listeners.clear();
    this.provider.destroy();
    void this.local.destroy();
    this.doc.destroy();
  }

  /**
   * Reads the server's frames as they arrive (the provider handles them too): its step 1
   * state vector and everything it sends tell the save tracker what the server holds.
   */
  private watchServerFrames(): void {
    const ws = this.provider.ws;
    if (ws === null) return;
    ws.addEventListener('message', (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      try {
        const message = decodeMessage(new Uint8Array(event.data));
        if (message.type === 'sync-step-1') this.tracker.noteServerStateVector(message.stateVector);
        else if (message.type === 'sync-step-2' || message.type === 'sync-update') {
          this.tracker.noteServerUpdate(message.update);
        } else return;
      } catch {
        return;
      }
      this.refresh();
    });
  }

  /**
   * y-indexeddb writes each update in its own IndexedDB transaction, asynchronously, and
   * says nothing when it is done. IndexedDB runs a read-only transaction only after earlier
   * read-write transactions on the same store, so a probe opened now completes once the
   * writes for every change so far (issued by y-indexeddb's update handler, which runs
   * before ours) have. One probe at a time: a burst of keystrokes costs one or two probes,
   * not one each.
   */
  private confirmStoredLocally(): void {
    this.localChanges++;
    this.probeLocalCopy();
  }

  private probeLocalCopy(): void {
    if (this.probeInFlight || this.destroyed) return;
    this.probeInFlight = true;
    const db = this.local.db;
    if (db === null) {
      // Before the database opens, y-indexeddb stores the whole document once it does.
      void this.local.whenSynced.then(() => {
        this.probeInFlight = false;
        this.probeLocalCopy();
      });
      return;
    }
    const covered = this.localChanges;
    const probe = db.transaction([IDB_UPDATES_STORE], 'readonly');
    const settle = (stored: boolean) => {
      this.probeInFlight = false;
      if (stored) this.localChangesStored = Math.max(this.localChangesStored, covered);
      this.refresh();
      if (stored && this.localChangesStored < this.localChanges) this.probeLocalCopy();
    };
    probe.oncomplete = () => settle(true);
    probe.onabort = () => settle(false);
  }

  private refresh(patch: Partial<CollabState> = {}): void {
    const connected = this.provider.wsconnected;
    const connection: ConnectionState = connected
      ? 'connected'
      : this.everConnected || this.provider.wsUnsuccessfulReconnects > 0 || !navigator.onLine
        ? 'offline'
        : 'connecting';
    const next: CollabState = {
      ...this.state,
      ...patch,
      connection,
      serverSynced: connected && this.provider.synced,
      saved: !this.tracker.hasUnsavedChanges,
      storedLocally: this.localChangesStored === this.localChanges,
    };
    const changed = (Object.keys(next) as (keyof CollabState)[]).some((key) => next[key] !== this.state[key]);
    if (!changed) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
