import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { validateDocName } from '../../shared/docName.ts';
import type { Logger } from '../logger.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { DocStore, DocumentInfo } from '../storage/DocStore.ts';
import { ApiError, errorResponse } from './errors.ts';
import { serveSyncSocket, type SyncEndpointDeps } from './syncEndpoint.ts';

export interface AppDeps extends SyncEndpointDeps {
  store: DocStore;
  registry: RoomRegistry;
  logger: Logger;
  upgradeWebSocket: UpgradeWebSocket<WebSocket>;
}

/** A document as the REST API shows it. */
export interface DocumentJson {
  name: string;
  createdAt: string;
  updatedAt: string;
  bytes: number;
}

const toJson = (info: DocumentInfo): DocumentJson => ({
  name: info.name,
  createdAt: new Date(info.createdAt).toISOString(),
  updatedAt: new Date(info.updatedAt).toISOString(),
  bytes: info.bytes,
});

/**
 * The Hono application: health, REST API and the WebSocket sync endpoint. Routes are added
 * to `app`, which must be the app `@hono/node-ws` was created with (it answers upgrades
 * through it).
 */
export function createApp(deps: AppDeps, app: Hono = new Hono()): Hono {
  const { store, registry, logger } = deps;

  app.get('/healthz', (c) => {
    if (deps.isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    return c.json({ status: 'ok', documentsLoaded: registry.loadedCount, sessions: registry.sessionCount });
  });

  app.get('/api/docs', async (c) => c.json({ documents: (await store.list()).map(toJson) }));

  app.get('/api/docs/:doc', async (c) => {
    const checked = validateDocName(c.req.param('doc'));
    if (!checked.ok) throw new ApiError(400, 'bad_document_name', checked.reason);
    const info = await store.info(checked.name);
    if (info === null) throw new ApiError(404, 'not_found', `no document named "${checked.name}"`);
    return c.json(toJson(info));
  });

  app.get(
    `/sync/*`,
    deps.upgradeWebSocket((c) => ({
      // The raw socket is used from here on: it gives zero-copy Buffers, pong events and
      // bufferedAmount, which the transport needs and Hono's portable wrapper hides.
      onOpen: (_event, ws) => {
        if (ws.raw !== undefined) serveSyncSocket(ws.raw, c.req.url, deps);
      },
    })),
  );
  app.get('/sync/*', () => {
    throw new ApiError(
      426,
      'upgrade_required',
      'this endpoint speaks the y-websocket protocol over WebSocket',
    );
  });

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.path}` } }, 404));
  app.onError((error, c) => errorResponse(error, c, logger));
  return app;
}
