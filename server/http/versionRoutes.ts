import type { Context, Hono } from 'hono';
import { Role } from '../../shared/access.ts';
import {
  CreateVersionRequest,
  type CreatedVersion,
  type RestoredVersion,
  type Version,
  type VersionList,
} from '../../shared/api.ts';
import type { Authorizer } from '../access/authorize.ts';
import { DocumentTooLargeError } from '../rooms/DocumentTooLargeError.ts';
import type { DocCatalogue } from '../storage/DocCatalogue.ts';
import type { StoredVersion, VersionInfo } from '../storage/DocVersions.ts';
import type { Versioning } from '../versions/Versioning.ts';
import { granted, tokenOf, type CallerEnv } from './callerAccess.ts';
import { ApiError } from './errors.ts';
import { jsonBody } from './jsonBody.ts';

interface VersionRouteDeps {
  versioning: Versioning;
  catalogue: DocCatalogue;
  authorizer: Authorizer;
  /** The document name in the request's path, validated (400 otherwise). */
  docName(c: Context): string;
}

/** A version as the API shows it. */
export const toVersion = (info: VersionInfo): Version => ({
  id: info.id,
  createdAt: new Date(info.createdAt).toISOString(),
  name: info.name,
  kind: info.kind,
  authors: info.authors,
  bytes: info.bytes,
});

const noVersion = (id: string) =>
  new ApiError(404, 'version_not_found', `no version "${id}" of this document`);

/**
 * Version history: list (read access), save a named or pre-restore version, restore (write
 * access), and a version's state for the editor's diff preview and undoable restore.
 */
export function mountVersionRoutes(app: Hono<CallerEnv>, deps: VersionRouteDeps): void {
  const { versioning, catalogue, authorizer } = deps;

  /** The document's name once the caller may use it with `role`; 404/410 when it cannot be versioned. */
  const documentFor = async (c: Context, role: Role, { live }: { live: boolean }): Promise<string> => {
    const doc = deps.docName(c);
    const request = { kind: 'document', doc, role } as const;
    granted(await authorizer.authorize(tokenOf(c), request), request);
    const info = await catalogue.info(doc);
    if (info === null) throw new ApiError(404, 'not_found', `no document named "${doc}"`);
    // The trash keeps versions (readable), but a deleted document takes no new ones.
    if (live && info.deletedAt !== null) throw new ApiError(410, 'deleted', `"${doc}" is in the trash`);
    return doc;
  };
  const versionOf = async (doc: string, id: string): Promise<StoredVersion> =>
    (await versioning.get(doc, id)) ?? Promise.reject(noVersion(id));

  app.get('/api/docs/:doc/versions', async (c) => {
    const doc = await documentFor(c, Role.Read, { live: false });
    return c.json({ versions: (await versioning.list(doc)).map(toVersion) } satisfies VersionList);
  });

  app.post('/api/docs/:doc/versions', jsonBody(CreateVersionRequest), async (c) => {
    const doc = await documentFor(c, Role.Write, { live: true });
    const body = c.req.valid('json');
    const saved =
      'name' in body
        ? await versioning.saveNamed(doc, body.name)
        : await versioning.savePreRestore(doc, await versionOf(doc, body.restoring));
    return c.json({ version: toVersion(saved) } satisfies CreatedVersion, 201);
  });

  app.get('/api/docs/:doc/versions/:id/update', async (c) => {
    const doc = await documentFor(c, Role.Read, { live: false });
    const version = await versionOf(doc, c.req.param('id'));
    c.header('Content-Type', 'application/octet-stream');
    return c.body(version.update as Uint8Array<ArrayBuffer>);
  });

  app.post('/api/docs/:doc/versions/:id/restore', async (c) => {
    const doc = await documentFor(c, Role.Write, { live: true });
    const version = await versionOf(doc, c.req.param('id'));
    const saved = await versioning.restore(doc, version).catch((error: unknown) => {
      if (error instanceof DocumentTooLargeError)
        throw new ApiError(413, 'document_too_large', error.message);
      throw error;
    });
    return c.json({ restoredFrom: toVersion(version), saved: toVersion(saved) } satisfies RestoredVersion);
  });
}
