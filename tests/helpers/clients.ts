import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from './wait.ts';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves at the provider's first `sync` event. */
  firstSync: Promise<void>;
  text(): string;
  destroy(): void;
}

/** A stock y-websocket client, exactly as a developer would create one in Node. */
export function connectClient(
  syncUrl: string,
  room: string,
  options: { connect?: boolean; doc?: Y.Doc; params?: Record<string, string> } = {},
): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(syncUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Without this, providers in one process sync through BroadcastChannel, not the server.
    disableBc: true,
    connect: options.connect ?? true,
    params: options.params ?? {},
  });
  const firstSync = new Promise<void>((resolve) => {
    provider.once('sync', () => resolve());
  });
  return {
    doc,
    provider,
    firstSync,
    text: () => doc.getText('text').toString(),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Waits until every client's document has the same content as the first one. */
export async function waitForConvergence(clients: TestClient[], timeoutMs?: number): Promise<void> {
  const encode = (c: TestClient) => Buffer.from(Y.encodeStateVector(c.doc)).toString('base64');
  await waitFor(
    () => clients.every((c) => encode(c) === encode(clients[0]!) && c.text() === clients[0]!.text()),
    () => `clients to converge: ${clients.map((c) => JSON.stringify(c.text().slice(0, 40))).join(' | ')}`,
    timeoutMs,
  );
}

/** True when `have` holds every insertion `need` holds (by state vector). */
export function covers(have: Y.Doc, need: Y.Doc): boolean {
  const haveState = Y.decodeStateVector(Y.encodeStateVector(have));
  for (const [clientId, clock] of Y.decodeStateVector(Y.encodeStateVector(need))) {
    if ((haveState.get(clientId) ?? 0) < clock) return false;
  }
  return true;
}
