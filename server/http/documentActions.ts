import type { Hono, MiddlewareHandler } from 'hono';
import { Role } from '../../shared/access.ts';
import {
  DuplicateRequest,
  type CreatedDocument,
  type DocumentSummary,
  type PurgeResult,
  type TrashedDocument,
  type TrashList,
} from '../../shared/api.ts';
import { TITLE_MAX_LENGTH, UNTITLED } from '../../shared/documentModel.ts';
import { covers, permit } from '../access/authorize.ts';
import type { DocumentLifecycle } from '../documents/DocumentLifecycle.ts';
import type { DocCatalogue, DocumentInfo } from '../storage/DocCatalogue.ts';
import { callerOf, granted, type CallerEnv } from './callerAccess.ts';
import { ApiError } from './errors.ts';
import { jsonBody } from './jsonBody.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

interface DocumentActionDeps {
  catalogue: DocCatalogue;
  lifecycle: DocumentLifecycle;
  retentionDays: number;
  identify: MiddlewareHandler<CallerEnv>;
  /** Validates a document name from the path (400 otherwise). */
  checkedName(name: string): string;
  toSummary(info: DocumentInfo): DocumentSummary;
  /** A fresh random name inside the caller's prefix. */
  newName(prefix: string): string;
}

const notFound = (name: string) => new ApiError(404, 'not_found', `no document named "${name}"`);

/**
 * Delete (to the trash), restore, purge, empty the trash, duplicate. Every change needs
 * write access to the document; the trash lists only what the caller may see.
 */
export function mountDocumentActions(app: Hono<CallerEnv>, deps: DocumentActionDeps): void {
  const { catalogue, lifecycle, identify, checkedName } = deps;
  const writable: MiddlewareHandler<CallerEnv, '/:doc'> = async (c, next) => {
    const request = { kind: 'document', doc: checkedName(c.req.param('doc')), role: Role.Write } as const;
    granted(permit(callerOf(c), request), request);
    await next();
  };
  const name = (c: { req: { param(key: 'doc'): string } }) => checkedName(c.req.param('doc'));
  const toTrashed = (info: DocumentInfo): TrashedDocument => ({
    ...deps.toSummary(info),
    deletedAt: new Date(info.deletedAt!).toISOString(),
    purgeAt: new Date(info.deletedAt! + deps.retentionDays * DAY_MS).toISOString(),
  });
  const visibleTrash = async (c: Parameters<MiddlewareHandler<CallerEnv>>[0]) => {
    const caller = callerOf(c);
    return (await catalogue.listTrash()).filter((d) => covers(caller, d.name));
  };

  app.delete('/api/docs/:doc', identify, writable, async (c) => {
    const doc = name(c);
    if (!(await lifecycle.trash(doc))) {
      const info = await catalogue.info(doc);
      if (info === null) throw notFound(doc);
      // Already in the trash: deleting twice is not an error.
    }
    return c.json(toTrashed((await catalogue.info(doc))!));
  });

  app.post('/api/docs/:doc/restore', identify, writable, async (c) => {
    const doc = name(c);
    await lifecycle.restore(doc);
    const info = await catalogue.info(doc);
    if (info === null) throw notFound(doc);
    return c.json(deps.toSummary(info));
  });

  app.post('/api/docs/:doc/duplicate', identify, writable, jsonBody(DuplicateRequest), async (c) => {
    const doc = name(c);
    const caller = callerOf(c);
    granted(permit(caller, { kind: 'create' }), { kind: 'create' });
    const source = await catalogue.info(doc);
    if (source === null || source.deletedAt !== null) throw notFound(doc);
    const title =
      c.req.valid('json').title || `Copy of ${source.title ?? UNTITLED}`.slice(0, TITLE_MAX_LENGTH);
    const copy = checkedName(deps.newName(caller.scope.slice(0, -1)));
    const info = await lifecycle.duplicate(doc, copy, title);
    if (info === null) throw notFound(doc);
    return c.json(
      { ...deps.toSummary(info), url: `/d/${encodeURIComponent(copy)}` } satisfies CreatedDocument,
      201,
    );
  });

  app.get('/api/trash', identify, async (c) =>
    c.json({
      documents: (await visibleTrash(c)).map(toTrashed),
      retentionDays: deps.retentionDays,
    } satisfies TrashList),
  );

  app.delete('/api/trash/:doc', identify, writable, async (c) => {
    const doc = name(c);
    if (!(await lifecycle.purge(doc)))
      throw new ApiError(404, 'not_in_trash', `"${doc}" is not in the trash`);
    return c.body(null, 204);
  });

  app.delete('/api/trash', identify, async (c) => {
    const caller = callerOf(c);
    const names = (await visibleTrash(c))
      .map((d) => d.name)
      .filter((doc) => permit(caller, { kind: 'document', doc, role: Role.Write }).kind === 'granted');
    return c.json({ purged: await lifecycle.purgeAll(names) } satisfies PurgeResult);
  });
}
