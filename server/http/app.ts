import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { docPatternMatches, type AccessClaims } from '../../shared/access.ts';
import { validateDocName } from '../../shared/docName.ts';
import { TITLE_MAX_LENGTH, UNTITLED } from '../../shared/documentModel.ts';
import { signToken, TokenError, type TokenVerifier } from '../auth/TokenVerifier.ts';
import { newDocumentUpdate } from '../rooms/documentTitle.ts';
import type { Logger } from '../logger.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { DocCatalogue, DocumentInfo } from '../storage/DocCatalogue.ts';
import type { StorageHealth } from '../storage/Storage.ts';
import { ApiError, errorResponse } from './errors.ts';
import { mountStaticClient } from './staticClient.ts';

export interface AppDeps {
  registry: RoomRegistry;
  isShuttingDown(): boolean;
  catalogue: DocCatalogue;
  logger: Logger;
  /** Directory of the built web client. */
  clientDir: string;
  /** Null when auth is off. */
  auth: { verifier: TokenVerifier; secret: string } | null;
  /** Asks the storage whether it answers (`/readyz`); absent when it always does. */
  probeStorage?: () => Promise<StorageHealth>;
}

const DAY = 24 * 60 * 60;

const shareBody = z
  .object({
    doc: z.string(),
    role: z.enum(['read', 'write']),
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

const createDocumentBody = z
  .object({
    title: z.string().trim().max(TITLE_MAX_LENGTH).optional(),
    /** The name to create (the web app's "Create it" on a link to a missing document). */
    name: z.string().optional(),
  })
  .strict();

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
 * sync endpoint are accepted beside it (syncUpgrade.ts).
 */
export function createApp(deps: AppDeps, app: Hono = new Hono()): Hono {
  const { catalogue, logger, auth, registry } = deps;

  /** In auth mode, the caller's verified claims (Bearer header or ?token=); else null. */
  const authenticate = async (c: Context): Promise<AccessClaims | null> => {
    if (auth === null) return null;
    const header = c.req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : c.req.query('token');
    if (!token)
      throw new ApiError(401, 'unauthorized', 'a token is required (Authorization: Bearer <token>)');
    try {
      return await auth.verifier.verify(token);
    } catch (error) {
      throw new ApiError(401, 'unauthorized', error instanceof TokenError ? error.message : 'invalid token');
    }
  };
  const requireAccess = (claims: AccessClaims | null, name: string, role?: 'write') => {
    if (claims === null) return;
    if (!docPatternMatches(claims.doc, name) || (role === 'write' && claims.role !== 'write')) {
      throw new ApiError(403, 'forbidden', `this token does not allow ${role ?? 'read'} access to "${name}"`);
    }
  };

  app.get('/healthz', (c) => {
    if (deps.isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    return c.json({
      status: 'ok',
      documentsLoaded: registry.loadedCount,
      sessions: registry.connectionCount,
    });
  });

  // Liveness stays 200 while the database is away (the process is fine and recovers by
  // itself); readiness tells a load balancer to send new clients elsewhere meanwhile.
  app.get('/readyz', async (c) => {
    if (deps.isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    const health = (await deps.probeStorage?.()) ?? { ok: true };
    return health.ok
      ? c.json({ status: 'ready' })
      : c.json({ status: 'unavailable', reason: health.reason }, 503);
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

  app.get('/api/config', (c) => c.json({ auth: auth !== null }));

  app.get('/api/docs', async (c) => {
    const claims = await authenticate(c);
    const documents = await catalogue.list();
    const visible =
      claims === null ? documents : documents.filter((d) => docPatternMatches(claims.doc, d.name));
    return c.json({ documents: visible.map(toJson) });
  });

  app.post('/api/docs', async (c) => {
    const claims = await authenticate(c);
    const body = await readJson(c, createDocumentBody);
    let name: string;
    if (body.name !== undefined) {
      name = checkedName(body.name);
      requireAccess(claims, name, 'write');
    } else {
      // In auth mode, new documents are named inside the token's prefix (`team-*` → `team-…`).
      if (claims !== null && (claims.role !== 'write' || !claims.doc.endsWith('*'))) {
        throw new ApiError(
          403,
          'forbidden',
          'creating documents needs a write token for a name prefix (doc: "prefix*")',
        );
      }
      name = checkedName(`${claims?.doc.slice(0, -1) ?? ''}${newDocumentName()}`);
    }
    // A document created from a link keeps an empty title until someone writes one.
    const title = body.title || (body.name === undefined ? UNTITLED : '');
    const info = await catalogue.create(name, {
      title: title === '' ? null : title,
      content: newDocumentUpdate(title),
    });
    if (info === null) {
      // A taken name is a conflict; for a random name, 96 bits make it a bug, not bad luck.
      if (body.name !== undefined) {
        throw new ApiError(409, 'already_exists', `a document named "${name}" already exists`);
      }
      throw new Error(`new document name ${name} is taken`);
    }
    return c.json({ ...toJson(info), url: `/d/${encodeURIComponent(name)}` }, 201);
  });

  app.get('/api/docs/:doc', async (c) => {
    const name = checkedName(c.req.param('doc'));
    requireAccess(await authenticate(c), name);
    const info = await catalogue.info(name);
    if (info === null) throw new ApiError(404, 'not_found', `no document named "${name}"`);
    return c.json(toJson(info));
  });

  app.post('/api/share', async (c) => {
    if (auth === null) {
      throw new ApiError(400, 'auth_disabled', 'auth is off: anyone with the plain link can edit');
    }
    const claims = await authenticate(c);
    const body = await readJson(c, shareBody);
    const doc = checkedName(body.doc);
    requireAccess(claims, doc, 'write');
    const token = await signToken(
      auth.secret,
      { sub: `shared-by:${claims!.sub}`, doc, role: body.role },
      body.ttlSeconds,
    );
    return c.json({
      role: body.role,
      token,
      url: `/d/${doc}?token=${token}`,
      expiresAt: new Date(Date.now() + body.ttlSeconds * 1000).toISOString(),
    });
  });

  // WebSocket upgrades to /sync/* never reach Hono (see syncUpgrade.ts); plain HTTP does.
  app.get('/sync/*', () => {
    throw new ApiError(
      426,
      'upgrade_required',
      'this endpoint speaks the y-websocket protocol over WebSocket',
    );
  });

  const notFoundPage = mountStaticClient(app, deps.clientDir);

  // A person who mistypes a page address gets a page; programs calling the API get JSON.
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: { code: 'not_found', message: `no route for ${c.req.path}` } }, 404)
      : notFoundPage(c),
  );
  app.onError((error, c) => errorResponse(error, c, logger));
  return app;
}
