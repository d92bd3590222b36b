import { randomBytes } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Role } from '../../shared/access.ts';
import {
  CreateDocumentRequest,
  ShareRequest,
  type ApiErrorBody,
  type CreatedDocument,
  type DeletedDocumentCode,
  type DocumentList,
  type DocumentSummary,
  type Presence,
  type ServerConfig,
  type ShareLink,
} from '../../shared/api.ts';
import {
  documentPath,
  parseDocNameFromPath,
  validateDocName,
  type DocNameResult,
} from '../../shared/docName.ts';
import { UNTITLED } from '../../shared/documentModel.ts';
import { covers, permit, type Authorizer } from '../access/authorize.ts';
import { signToken } from '../access/TokenVerifier.ts';
import { newDocumentUpdate } from '../rooms/documentTitle.ts';
import type { DocumentLifecycle } from '../documents/DocumentLifecycle.ts';
import type { Logger } from '../logger.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import { ExportFormat, exportDocument, isExportFormat } from '../export/exportDocument.ts';
import type { BlobStore } from '../storage/BlobStore.ts';
import type { DocCatalogue, DocumentInfo, NewDocument } from '../storage/DocCatalogue.ts';
import type { DocLog, StoredDocument } from '../storage/DocLog.ts';
import type { Versioning } from '../versions/Versioning.ts';
import { callerOf, granted, identifyCaller, tokenOf, type CallerEnv } from './callerAccess.ts';
import { mountDocumentActions } from './documentActions.ts';
import { isImageUpload, mountImageRoutes } from './imageRoutes.ts';
import {
  checkCreateBodySize,
  createBodyLimit,
  importedDocument,
  MAX_API_BODY_BYTES,
  bodyTooLarge,
} from './importLimits.ts';
import { jsonBody } from './jsonBody.ts';
import { ApiError, errorResponse } from './errors.ts';
import { mountStaticClient } from './staticClient.ts';
import { mountVersionRoutes } from './versionRoutes.ts';

interface AppDeps {
  registry: RoomRegistry;
  isShuttingDown(): boolean;
  catalogue: DocCatalogue;
  /** Read by exports; rooms own appends. */
  log: DocLog;
  logger: Logger;
  /** Directory of the built web client. */
  clientDir: string;
  authorizer: Authorizer;
  /** The HS256 secret share links are signed with; null when auth is off. */
  tokenSecret: string | null;
  /** Longest document name, in UTF-8 bytes. */
  maxDocNameBytes: number;
  lifecycle: DocumentLifecycle;
  trashRetentionDays: number;
  /** Uploaded images. */
  blobs: BlobStore;
  maxImageBytes: number;
  versioning: Versioning;
  /** An import whose document would be larger than this is refused (413), as updates are. */
  maxDocumentBytes: number;
  /** Imported files larger than this (UTF-8 bytes) are refused (413) before conversion. */
  maxImportBytes: number;
}

/** 96 random bits in URL-safe base64 (16 characters): unguessable, and a valid name. */
const newDocumentName = () => randomBytes(12).toString('base64url');

/** The API's answer to a name the rule refuses (shared/docName.ts). */
function checked(result: DocNameResult): string {
  if (!result.ok) throw new ApiError(400, 'bad_document_name', result.reason);
  return result.name;
}

const DOC_ROUTE_PREFIX = '/api/docs/';

/**
 * The name in `/api/docs/<name>[/…]`: one path segment, the name percent-encoded as the web
 * client's encodeURIComponent sends it (`playground%2F0%2Fmain`), decoded exactly once, as the
 * sync endpoint decodes. One segment, so that routes under a document
 * (`/api/docs/<name>/export`) stay unambiguous for names holding `/`. Read from the raw URL,
 * so no router decoding can come between.
 */
function nameInPath(url: string, maxBytes: number): string {
  const rest = new URL(url).pathname.slice(DOC_ROUTE_PREFIX.length);
  const slash = rest.indexOf('/');
  return checked(parseDocNameFromPath(slash === -1 ? rest : rest.slice(0, slash), maxBytes));
}

const toSummary = (info: DocumentInfo): DocumentSummary => ({
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
  const { catalogue, logger, authorizer, registry, maxDocNameBytes } = deps;
  const identify = identifyCaller(authorizer);
  const checkedName = (name: string) => checked(validateDocName(name, maxDocNameBytes));

  app.get('/healthz', (c) => {
    if (deps.isShuttingDown()) return c.json({ status: 'shutting-down' }, 503);
    return c.json({
      status: 'ok',
      documentsLoaded: registry.loadedCount,
      sessions: registry.connectionCount,
    });
  });

  const apiBodyLimit = bodyLimit({
    maxSize: MAX_API_BODY_BYTES,
    onError: () => {
      throw bodyTooLarge();
    },
  });
  // An imported file is larger than other bodies (importLimits.ts).
  const importBodyLimit = createBodyLimit(deps.maxImportBytes);
  // Image uploads have their own, larger limit (imageRoutes.ts).
  app.use('/api/*', (c, next) => {
    if (isImageUpload(c.req.path)) return next();
    if (c.req.method === 'POST' && c.req.path === '/api/docs') return importBodyLimit(c, next);
    return apiBodyLimit(c, next);
  });

  // API answers describe live state. Without this, Chromium reuses a cached 410 for a
  // document restored since (410 is cacheable by default).
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/api/config', (c) => c.json({ auth: authorizer.tokensRequired } satisfies ServerConfig));

  app.get('/api/docs', identify, async (c) => {
    const caller = callerOf(c);
    const documents = await catalogue.list();
    const visible = documents.filter((d) => covers(caller, d.name));
    return c.json({ documents: visible.map(toSummary) } satisfies DocumentList);
  });

  app.get('/api/presence', identify, (c) => {
    const caller = callerOf(c);
    const present = [...registry.presence()].filter(([name]) => covers(caller, name));
    return c.json({ documents: Object.fromEntries(present) } satisfies Presence);
  });

  app.post('/api/docs', identify, jsonBody(CreateDocumentRequest), async (c) => {
    const body = c.req.valid('json');
    // Read once already by jsonBody: Hono hands back the same text.
    checkCreateBodySize(body, await c.req.text(), deps.maxImportBytes);
    const caller = callerOf(c);
    let name: string;
    if (body.name !== undefined) {
      // The web app's "Create it" on a link to a document that does not exist yet.
      name = checkedName(body.name);
      const request = { kind: 'document', doc: name, role: Role.Write } as const;
      granted(permit(caller, request), request);
    } else {
      granted(permit(caller, { kind: 'create' }), { kind: 'create' });
      // Inside the caller's prefix (`team-*` → `team-…`; with auth off the prefix is empty).
      name = checkedName(`${caller.scope.slice(0, -1)}${newDocumentName()}`);
    }
    const initial =
      body.content === undefined
        ? newDocument(body.title, body.name === undefined)
        : importedDocument(body.content, body.title, deps.maxDocumentBytes);
    const info = await deps.lifecycle.create(name, initial);
    if (info === null) {
      // A purged name stays gone: a new document under it would be taken for the old one by
      // everyone holding its link (and by their offline copies).
      if ((await catalogue.purgedAt(name)) !== null) {
        throw new ApiError(409, 'purged', `"${name}" was permanently deleted; its name cannot be used again`);
      }
      // A named document someone else created meanwhile; a random name is 96 bits and never taken.
      throw new ApiError(409, 'already_exists', `a document named "${name}" already exists`);
    }
    return c.json({ ...toSummary(info), url: documentPath(name) } satisfies CreatedDocument, 201);
  });

  app.get(`${DOC_ROUTE_PREFIX}:doc`, async (c) => {
    const name = nameInPath(c.req.url, maxDocNameBytes);
    const request = { kind: 'document', doc: name, role: Role.Read } as const;
    granted(await authorizer.authorize(tokenOf(c), request), request);
    const info = await catalogue.info(name);
    if (info === null) {
      // 410 `purged`: the web app says "permanently deleted" (no Restore, no "Create it").
      if ((await catalogue.purgedAt(name)) !== null) {
        throw new ApiError(410, 'purged' satisfies DeletedDocumentCode, `"${name}" was permanently deleted`);
      }
      throw new ApiError(404, 'not_found', `no document named "${name}"`);
    }
    // 410, not 404: the web app shows "This document was deleted" (and Restore), not "Create it".
    if (info.deletedAt !== null) {
      throw new ApiError(410, 'deleted' satisfies DeletedDocumentCode, `"${name}" is in the trash`);
    }
    return c.json(toSummary(info));
  });

  app.get(`${DOC_ROUTE_PREFIX}:doc/export`, async (c) => {
    const name = nameInPath(c.req.url, maxDocNameBytes);
    const request = { kind: 'document', doc: name, role: Role.Read } as const;
    granted(await authorizer.authorize(tokenOf(c), request), request);
    const format = c.req.query('format') ?? ExportFormat.Html;
    if (!isExportFormat(format)) {
      throw new ApiError(
        400,
        'bad_format',
        `format must be one of ${Object.values(ExportFormat).join(', ')}`,
      );
    }
    // The log holds everything the room has applied (store first, then apply), so a loaded
    // room needs no flush to be exported as its readers see it.
    let stored: StoredDocument | null =
      (await catalogue.info(name)) === null ? null : await deps.log.load(name);
    if (stored === null) throw new ApiError(404, 'not_found', `no document named "${name}"`);
    const versionId = c.req.query('version');
    if (versionId !== undefined) {
      const version = await deps.versioning.get(name, versionId);
      if (version === null)
        throw new ApiError(404, 'version_not_found', `no version "${versionId}" of this document`);
      stored = { snapshot: version.update, snapshotStateVector: null, updates: [], lastSeq: 0 };
    }
    const file = exportDocument(stored, format);
    c.header('Content-Type', file.contentType);
    c.header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(file.body);
  });

  mountVersionRoutes(app, {
    versioning: deps.versioning,
    catalogue,
    authorizer,
    docName: (c) => nameInPath(c.req.url, maxDocNameBytes),
  });

  mountDocumentActions(app, {
    catalogue,
    lifecycle: deps.lifecycle,
    retentionDays: deps.trashRetentionDays,
    identify,
    checkedName,
    toSummary,
    newName: (prefix) => `${prefix}${newDocumentName()}`,
  });

  mountImageRoutes(app, { blobs: deps.blobs, maxImageBytes: deps.maxImageBytes, identify, checkedName });

  mountShare(app, identify, deps.tokenSecret, checkedName);

  // WebSocket upgrades to /sync/* never reach Hono (see transport/syncUpgrade.ts); plain HTTP does.
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
      ? c.json(
          { error: { code: 'not_found', message: `no route for ${c.req.path}` } } satisfies ApiErrorBody,
          404,
        )
      : notFoundPage(c),
  );
  app.onError((error, c) => errorResponse(error, c, logger));
  return app;
}

/**
 * A new, empty editor document. A document created from a link keeps an empty title until
 * someone writes one; one created from the home page is "Untitled".
 */
function newDocument(title: string | undefined, fromHomePage: boolean): NewDocument {
  const initial = title || (fromHomePage ? UNTITLED : '');
  return { title: initial === '' ? null : initial, content: newDocumentUpdate(initial) };
}

/** `POST /api/share`: only in auth mode, where links carry tokens signed with `secret`. */
function mountShare(
  app: Hono<CallerEnv>,
  identify: MiddlewareHandler<CallerEnv>,
  secret: string | null,
  checkedName: (name: string) => string,
): void {
  if (secret === null) {
    app.post('/api/share', () => {
      throw new ApiError(400, 'auth_disabled', 'auth is off: anyone with the plain link can edit');
    });
    return;
  }
  app.post('/api/share', identify, jsonBody(ShareRequest), async (c) => {
    const caller = callerOf(c);
    const body = c.req.valid('json');
    const doc = checkedName(body.doc);
    const request = { kind: 'document', doc, role: Role.Write } as const;
    granted(permit(caller, request), request);
    // A link never outlives the token that made it: otherwise an hour's access could mint
    // a month's, and that one another month's, for ever.
    const ttlSeconds =
      caller.expiresAt === null
        ? body.ttlSeconds
        : Math.max(1, Math.min(body.ttlSeconds, Math.floor((caller.expiresAt - Date.now()) / 1000)));
    const token = await signToken(
      secret,
      { sub: `shared-by:${caller.subject ?? 'anyone'}`, doc, role: body.role },
      ttlSeconds,
    );
    return c.json({
      role: body.role,
      token,
      url: `${documentPath(doc)}?token=${token}`,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    } satisfies ShareLink);
  });
}
