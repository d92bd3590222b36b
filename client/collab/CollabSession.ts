import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isFinalCloseCode } from '../../shared/closeCodes.ts';
import { decodeMessage } from '../../shared/protocol.ts';
import { SaveTracker } from './SaveTracker.ts';

export type ConnectionState = 'connecting' | 'connected' | 'offline';

/** What the editor shows about the network and about saving. */
export interface CollabState {
  connection: ConnectionState;
  /** The server has every change made on this device. */
  saved: boolean;
  /** The local copy (IndexedDB) has been read: the editor can show content. */
  localLoaded: boolean;
  /** The server's content has arrived since the last (re)connect. */
  serverSynced: boolean;
  /** The server refused access for good (a 44xx close code). */
  refused: { code: number; reason: string } | null;
}

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
  private state: CollabState = {
    connection: 'connecting',
    saved: true,
    localLoaded: false,
    serverSynced: false,
    refused: null,
  };
  private everConnected = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(readonly name: string) {
    this.local = new IndexeddbPersistence(`inkwell:${name}`, this.doc);
    this.provider = new WebsocketProvider(syncServerUrl(), name, this.doc);

    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      // Server content is confirmed by definition; anything else (typed here, or restored
      // from IndexedDB after an offline session) must be seen on the server first.
      if (origin !== this.provider) this.tracker.noteLocalUpdate(update);
      this.refresh();
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
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    this.cleanups.push(() => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): CollabState => this.state;

  destroy(): void {
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
    };
    const changed = (Object.keys(next) as (keyof CollabState)[]).some((key) => next[key] !== this.state[key]);
    if (!changed) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
