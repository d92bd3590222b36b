import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { validateDocName } from '../../shared/docName.ts';
import { TITLE_MAX_LENGTH, UNTITLED } from '../../shared/documentModel.ts';
import { newDocumentUpdate } from '../rooms/documentTitle.ts';
import type { Logger } from '../logger.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { DocStore, DocumentInfo } from '../storage/DocStore.ts';
import { ApiError, errorResponse } from './errors.ts';
import { mountStaticClient } from './staticClient.ts';
import { serveSyncSocket, type SyncEndpointDeps } from './syncEndpoint.ts';

export interface AppDeps extends SyncEndpointDeps {
  store: DocStore;
  registry: RoomRegistry;
  logger: Logger;
  upgradeWebSocket: UpgradeWebSocket<WebSocket>;
  /** Directory of the built web client. */
  clientDir: string;
}

/** Request bodies are small JSON objects; anything bigger is refused before parsing. */
const MAX_API_BODY_BYTES = 16 * 1024;

const createDocumentBody = z.object({ title: z.string().trim().max(TITLE_MAX_LENGTH).optional() }).strict();

/** 96 random bits in URL-safe base64 (16 characters): unguessable, and a valid name. */
const newDocumentName = () => randomBytes(12).toString('base64url');

/** A document as the REST API shows it. */
export interface DocumentJson {
  name: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  bytes: number;
}

const toJson = (info: DocumentInfo): DocumentJson => ({
  name: info.name,
  title: info.title,
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

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_API_BODY_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          'body_too_large',
          `request bodies are limited to ${MAX_API_BODY_BYTES} bytes`,
        );
      },
    }),
  );

  app.get('/api/docs', async (c) => c.json({ documents: (await store.list()).map(toJson) }));

  app.post('/api/docs', async (c) => {
    let body: unknown;
    try {
      const text = await c.req.text();
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
    }
    const parsed = createDocumentBody.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      throw new ApiError(400, 'invalid_body', problems.join('; '));
    }
    const title = parsed.data.title || UNTITLED;
    const name = newDocumentName();
    await store.append(name, newDocumentUpdate(title));
    await store.setTitle(name, title);
    const info = await store.info(name);
    return c.json({ ...toJson(info!), url: `/d/${name}` }, 201);
  });

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

  mountStaticClient(app, deps.clientDir);

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.path}` } }, 404));
  app.onError((error, c) => errorResponse(error, c, logger));
  return app;
}
