import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { Role } from '../../shared/access.ts';
import { validateDocName } from '../../shared/docName.ts';
import { TITLE_MAX_LENGTH, UNTITLED } from '../../shared/documentModel.ts';
import { covers, permit, type Authorizer } from '../access/authorize.ts';
import { signToken } from '../access/TokenVerifier.ts';
import { newDocumentUpdate } from '../rooms/documentTitle.ts';
import type { Logger } from '../logger.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { DocStore, DocumentInfo } from '../storage/DocStore.ts';
import { callerOf, granted, identifyCaller, tokenOf, type CallerEnv } from './callerAccess.ts';
import { ApiError, errorResponse } from './errors.ts';
import { mountStaticClient } from './staticClient.ts';

export interface AppDeps {
  registry: RoomRegistry;
  isShuttingDown(): boolean;
  store: DocStore;
  logger: Logger;
  /** Directory of the built web client. */
  clientDir: string;
  authorizer: Authorizer;
  /** The HS256 secret share links are signed with; null when auth is off. */
  tokenSecret: string | null;
}

const DAY = 24 * 60 * 60;

const shareBody = z
  .object({
    doc: z.string(),
    role: z.enum(Role),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * DAY)
      .default(7 * DAY),
  })
  .strict();

/** Request bodies are small JSON objects; anything bigger is refused before parsing. */
const MAX_API_BODY_BYTES = 16 * 1024;

const createDocumentBody = z.object({ title: z.string().trim().max(TITLE_MAX_LENGTH).optional() }).strict();

/** 96 random bits in URL-safe base64 (16 characters): unguessable, and a valid name. */
const newDocumentName = () => randomBytes(12).toString('base64url');

/** Parses a JSON body against a schema, answering 400 with what is wrong. */
async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new ApiError(400, 'invalid_body', problems.join('; '));
  }
  return parsed.data;
}

function checkedName(name: string): string {
  const checked = validateDocName(name);
  if (!checked.ok) throw new ApiError(400, 'bad_document_name', checked.reason);
  return checked.name;
}

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
 * The Hono application: health, REST API and the web client. WebSocket upgrades to the
 * sync endpoint are accepted beside it (transport/syncUpgrade.ts).
 */
export function createApp(deps: AppDeps, app = new Hono<CallerEnv>()): Hono<CallerEnv> {
  const { store, logger, authorizer, registry } = deps;
  const identify = identifyCaller(authorizer);

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

  app.get('/api/config', (c) => c.json({ auth: authorizer.tokensRequired }));

  app.get('/api/docs', identify, async (c) => {
    const caller = callerOf(c);
    const documents = await store.list();
    return c.json({ documents: documents.filter((d) => covers(caller, d.name)).map(toJson) });
  });

  app.post('/api/docs', identify, async (c) => {
    const request = { kind: 'create' } as const;
    const { caller } = granted(permit(callerOf(c), request), request);
    const { title: requested } = await readJson(c, createDocumentBody);
    const title = requested || UNTITLED;
    const name = checkedName(`${caller.scope.slice(0, -1)}${newDocumentName()}`);
    await store.append(name, newDocumentUpdate(title));
    await store.setTitle(name, title);
    const info = await store.info(name);
    return c.json({ ...toJson(info!), url: `/d/${name}` }, 201);
  });

  app.get('/api/docs/:doc', async (c) => {
    const name = checkedName(c.req.param('doc'));
    const request = { kind: 'document', doc: name, role: Role.Read } as const;
    granted(await authorizer.authorize(tokenOf(c), request), request);
    const info = await store.info(name);
    if (info === null) throw new ApiError(404, 'not_found', `no document named "${name}"`);
    return c.json(toJson(info));
  });

  app.post('/api/share', identify, async (c) => {
    // With auth off, `identify` lets everyone through, so this still answers first.
    const secret = deps.tokenSecret;
    if (secret === null) {
      throw new ApiError(400, 'auth_disabled', 'auth is off: anyone with the plain link can edit');
    }
    const caller = callerOf(c);
    const body = await readJson(c, shareBody);
    const doc = checkedName(body.doc);
    const request = { kind: 'document', doc, role: Role.Write } as const;
    granted(permit(caller, request), request);
    const token = await signToken(
      secret,
      { sub: `shared-by:${caller.subject ?? 'anyone'}`, doc, role: body.role },
      body.ttlSeconds,
    );
    return c.json({
      role: body.role,
      token,
      url: `/d/${doc}?token=${token}`,
      expiresAt: new Date(Date.now() + body.ttlSeconds * 1000).toISOString(),
    });
  });

  // WebSocket upgrades to /sync/* never reach Hono (see transport/syncUpgrade.ts); plain HTTP does.
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
