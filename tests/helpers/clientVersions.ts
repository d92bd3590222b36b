import WebSocket from 'ws';
import { WebsocketProvider as Provider31 } from 'y-websocket';
import { WebsocketProvider as Provider1 } from 'y-websocket-1';
import { WebsocketProvider as Provider2 } from 'y-websocket-2';
import { WebsocketProvider as Provider30 } from 'y-websocket-30';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

/** What the compatibility matrix uses of a provider; every version has it. */
export interface AnyProvider {
  readonly awareness: Awareness;
  readonly synced: boolean;
  readonly wsconnected: boolean;
  on(event: string, listener: (...args: never[]) => void): void;
  once(event: string, listener: (...args: never[]) => void): void;
  connect(): void;
  disconnect(): void;
  destroy(): void;
}

type ProviderOptions = {
  WebSocketPolyfill: unknown;
  disableBc: boolean;
  params: Record<string, string>;
};
type ProviderClass = new (url: string, room: string, doc: Y.Doc, options: ProviderOptions) => AnyProvider;

/** The y-websocket clients in the field that Inkwell is tested with (devDependency aliases). */
export const CLIENT_VERSIONS = [
  { version: '1.5.4', Provider: Provider1 as unknown as ProviderClass },
  { version: '2.1.0', Provider: Provider2 as unknown as ProviderClass },
  { version: '3.0.0', Provider: Provider30 as unknown as ProviderClass },
  { version: '3.1.0', Provider: Provider31 as unknown as ProviderClass },
] as const;
export type ClientVersion = (typeof CLIENT_VERSIONS)[number]['version'];

export interface VersionedClient {
  version: ClientVersion;
  doc: Y.Doc;
  provider: AnyProvider;
  /** Resolves at the provider's first `sync` event. */
  firstSync: Promise<void>;
  destroy(): void;
}

/**
 * A stock client of `version`, as a developer would create one in Node: `ws` as the
 * WebSocket, no BroadcastChannel (providers in one process would otherwise sync through it).
 * `WebSocketClass` lets a caller count handshakes.
 */
export function connectVersion(
  version: ClientVersion,
  syncUrl: string,
  room: string,
  options: {
    params?: Record<string, string>;
    WebSocketClass?: new (url: string, protocols?: string | string[]) => WebSocket;
  } = {},
): VersionedClient {
  const { Provider } = CLIENT_VERSIONS.find((v) => v.version === version)!;
  const doc = new Y.Doc();
  const provider = new Provider(syncUrl, room, doc, {
    WebSocketPolyfill: options.WebSocketClass ?? WebSocket,
    disableBc: true,
    params: options.params ?? {},
  });
  const firstSync = new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  return {
    version,
    doc,
    provider,
    firstSync,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}
