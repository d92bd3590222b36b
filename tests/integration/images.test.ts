import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Role } from '../../shared/access.ts';
import type { CreatedVersion } from '../../shared/api.ts';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { IMAGE_REFERENCES_BACKFILL } from '../../server/backfills/imageReferences.ts';
import type { Config } from '../../server/config.ts';
import { connectClient } from '../helpers/clients.ts';
import { runSql } from '../helpers/postgres.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sameStorage, STORAGE_BACKENDS } from '../helpers/storageBackends.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'image-test-secret-that-is-long-enough-012345';
const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3);
const SVG = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);

interface Image {
  hash: string;
  url: string;
}

const upload = (
  base: string,
  doc: string,
  body: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) => fetch(`${base}/api/docs/${doc}/images`, { method: 'POST', body, headers });

/**
 * How many rows of an image table the server's storage holds, those matching `where` only,
 * read from its database directly.
 */
async function rowCount(
  s: TestServer,
  table: 'blobs' | 'blob_refs',
  where: { doc?: string; hash?: string } = {},
): Promise<number> {
  const columns = Object.entries(where);
  const values = columns.map(([, value]) => value);
  if (s.config.database !== null) {
    const filter = columns.map(([column], i) => `${column} = $${i + 1}`).join(' AND ');
    const sql = `SELECT count(*)::int AS n FROM ${table}${filter ? ` WHERE ${filter}` : ''}`;
    return (await runSql<{ n: number }>(s.config.database.url, sql, values))[0]!.n;
  }
  const filter = columns.map(([column]) => `${column} = ?`).join(' AND ');
  const db = new Database(path.join(s.config.dataDir, 'inkwell.db'), { readonly: true });
  try {
    const sql = `SELECT COUNT(*) AS n FROM ${table}${filter ? ` WHERE ${filter}` : ''}`;
    return (db.prepare(sql).get(...values) as { n: number }).n;
  } finally {
    db.close();
  }
}

const isStored = async (s: TestServer, hash: string) => (await rowCount(s, 'blobs', { hash })) === 1;

/** Creates a document and uploads an image to it. */
async function imageIn(s: TestServer, doc: string, bytes: Uint8Array<ArrayBuffer>): Promise<Image> {
  await fetch(`${s.url}/api/docs`, { method: 'POST', body: JSON.stringify({ name: doc }) });
  const response = await upload(s.url, doc, bytes);
  expect(response.status).toBe(201);
  return (await response.json()) as Image;
}

/** Deletes a document to the trash and purges it, as the trash page does. */
async function purge(s: TestServer, doc: string): Promise<void> {
  expect((await fetch(`${s.url}/api/docs/${doc}`, { method: 'DELETE' })).status).toBe(200);
  expect((await fetch(`${s.url}/api/trash/${doc}`, { method: 'DELETE' })).status).toBe(204);
}

/**
 * A stock y-websocket client edits a document's content (Tiptap's Yjs layout: image nodes
 * are XmlElements with their attributes), and leaves once the server has recorded that the
 * document references `hash`.
 */
async function editContent(
  s: TestServer,
  doc: string,
  hash: string,
  edit: (content: Y.XmlFragment) => void,
): Promise<void> {
  const client = connectClient(s.syncUrl, doc);
  try {
    await client.firstSync;
    edit(client.doc.getXmlFragment(CONTENT_FRAGMENT));
    await waitFor(
      async () => (await rowCount(s, 'blob_refs', { doc, hash })) === 1,
      `${doc} to reference the image`,
    );
  } finally {
    client.destroy();
  }
}

/**
 * Puts a stopped server's database as an upgrade from before 2026-12-05 leaves it: `docs`
 * show images without referencing them (only uploads recorded a reference then), and the
 * new schema migration has recorded the image-reference backfill.
 */
async function asBeforeContentReferences(storage: Pick<Config, 'dataDir' | 'database'>, docs: string[]) {
  const forget = `DELETE FROM blob_refs WHERE doc IN (${docs.map((doc) => `'${doc}'`).join(', ')})`;
  const pending = `INSERT INTO pending_backfills (name) VALUES ('${IMAGE_REFERENCES_BACKFILL}')`;
  if (storage.database !== null) {
    await runSql(storage.database.url, forget);
    await runSql(storage.database.url, pending);
    return;
  }
  const db = new Database(path.join(storage.dataDir, 'inkwell.db'));
  db.exec(forget);
  db.exec(pending);
  db.close();
}

function imageNode(src: string): Y.XmlElement {
  const image = new Y.XmlElement('image');
  image.setAttribute('src', src);
  return image;
}

describe.each(STORAGE_BACKENDS)('image uploads on $name', (backend) => {
  const limits = { maxImageBytes: 64 * 1024 };
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...(await backend.freshConfig()), ...limits });
  });
  afterAll(() => server.close());

  it('stores a PNG under its sha-256 and serves it immutable, nosniff, with a restrictive CSP', async () => {
    await fetch(`${server.url}/api/docs`, { method: 'POST', body: JSON.stringify({ name: 'pics' }) });
    // The declared type is a lie: the bytes decide.
    const response = await upload(server.url, 'pics', PNG, { 'content-type': 'text/html' });
    expect(response.status).toBe(201);
    const image = (await response.json()) as { hash: string; url: string; type: string };
    expect(image.type).toBe('image/png');
    expect(image.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(image.url).toBe(`/blobs/${image.hash}`);

    const served = await fetch(`${server.url}${image.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toContain('immutable');
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);

    // The same bytes again are the same blob.
    const again = (await (await upload(server.url, 'pics', PNG)).json()) as { hash: string };
    expect(again.hash).toBe(image.hash);
  });

  it('refuses an SVG (or anything not PNG, JPEG, GIF or WebP) with 415, storing nothing', async () => {
    const before = await rowCount(server, 'blobs');
    const response = await upload(server.url, 'pics', SVG, { 'content-type': 'image/png' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/PNG, JPEG/);
    expect(await rowCount(server, 'blobs')).toBe(before);
  });

  it('refuses an image over the size limit with 413 and a clear message', async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    big.set(PNG);
    const response = await upload(server.url, 'pics', big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /limited to 0.1 MB/,
    );
  });

  it('answers 404 for an unknown or malformed hash', async () => {
    expect((await fetch(`${server.url}/blobs/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/blobs/..%2Finkwell.db`)).status).toBe(404);
  });

  it('purging a document frees its images; images another document uses stay', async () => {
    const gif = new TextEncoder().encode('GIF89a-only-here');
    await fetch(`${server.url}/api/docs`, { method: 'POST', body: JSON.stringify({ name: 'shared-pics' }) });
    await fetch(`${server.url}/api/docs`, { method: 'POST', body: JSON.stringify({ name: 'own-pics' }) });
    const shared = (await (await upload(server.url, 'shared-pics', PNG)).json()) as Image;
    const own = (await (await upload(server.url, 'own-pics', gif)).json()) as Image;
    await upload(server.url, 'own-pics', PNG);
    await purge(server, 'own-pics');
    expect((await fetch(`${server.url}${own.url}`)).status).toBe(404);
    expect(await isStored(server, own.hash)).toBe(false);
    expect((await fetch(`${server.url}${shared.url}`)).status).toBe(200);
    expect(await isStored(server, shared.hash)).toBe(true);
  });

  it('an image a stock client puts into another document outlives a purge of the document it was uploaded to', async () => {
    const webp = new TextEncoder().encode('RIFF\0\0\0\0WEBPpasted');
    const image = await imageIn(server, 'uploaded-here', webp);
    await editContent(server, 'pasted-there', image.hash, (content) =>
      content.insert(0, [imageNode(image.url)]),
    );

    await purge(server, 'uploaded-here');
    expect((await fetch(`${server.url}${image.url}`)).status).toBe(200);
    expect(await isStored(server, image.hash)).toBe(true);

    await purge(server, 'pasted-there');
    expect((await fetch(`${server.url}${image.url}`)).status).toBe(404);
    expect(await isStored(server, image.hash)).toBe(false);
  });

  it('an image whose src is changed to a stored image, absolute as a browser pastes it, is referenced too', async () => {
    const gif = new TextEncoder().encode('GIF89a-src-changed');
    const image = await imageIn(server, 'first-home', gif);
    await editContent(server, 'second-home', image.hash, (content) => {
      const placeholder = imageNode('https://example.com/elsewhere.gif');
      content.insert(0, [placeholder]);
      // A later transaction: the update names the attribute only through its predecessor.
      placeholder.setAttribute('src', `${server.url}${image.url}`);
    });
    await purge(server, 'first-home');
    expect(await isStored(server, image.hash)).toBe(true);
  });

  it('an imported page showing an uploaded image keeps it after the uploader is purged', async () => {
    const gif = new TextEncoder().encode('GIF89a-imported');
    const image = await imageIn(server, 'import-source', gif);
    const imported = await fetch(`${server.url}/api/docs`, {
      method: 'POST',
      body: JSON.stringify({ content: { format: 'html', text: `<p>Chart</p><img src="${image.url}">` } }),
    });
    expect(imported.status).toBe(201);
    const { name } = (await imported.json()) as { name: string };
    await purge(server, 'import-source');
    expect((await fetch(`${server.url}${image.url}`)).status).toBe(200);
    await purge(server, name);
    expect(await isStored(server, image.hash)).toBe(false);
  });

  it('a duplicate keeps the images it shows after the original is purged', async () => {
    const gif = new TextEncoder().encode('GIF89a-duplicated');
    const image = await imageIn(server, 'original', gif);
    await editContent(server, 'original', image.hash, (content) => content.insert(0, [imageNode(image.url)]));
    const duplicate = await fetch(`${server.url}/api/docs/original/duplicate`, {
      method: 'POST',
      body: '{}',
    });
    const { name } = (await duplicate.json()) as { name: string };
    await purge(server, 'original');
    expect(await isStored(server, image.hash)).toBe(true);
    await purge(server, name);
    expect(await isStored(server, image.hash)).toBe(false);
  });

  it('an image removed from a document stays while the document lives, so restoring a version shows it again', async () => {
    const gif = new TextEncoder().encode('GIF89a-in-a-version');
    const image = await imageIn(server, 'was-uploaded-to', gif);
    await editContent(server, 'versioned', image.hash, (content) =>
      content.insert(0, [imageNode(image.url)]),
    );
    const named = await fetch(`${server.url}/api/docs/versioned/versions`, {
      method: 'POST',
      body: JSON.stringify({ name: 'with the chart' }),
    });
    const { version } = (await named.json()) as CreatedVersion;
    const exported = async () => (await fetch(`${server.url}/api/docs/versioned/export?format=html`)).text();
    const client = connectClient(server.syncUrl, 'versioned');
    await client.firstSync;
    const content = client.doc.getXmlFragment(CONTENT_FRAGMENT);
    content.delete(0, content.length);
    await waitFor(async () => !(await exported()).includes(image.url), 'the image to be removed');
    client.destroy();

    await purge(server, 'was-uploaded-to');
    expect(await isStored(server, image.hash)).toBe(true);
    const restored = await fetch(`${server.url}/api/docs/versioned/versions/${version.id}/restore`, {
      method: 'POST',
    });
    expect(restored.status).toBe(200);
    expect(await exported()).toContain(image.url);
    expect((await fetch(`${server.url}${image.url}`)).status).toBe(200);
  });

  it('after an upgrade, images pasted before references were recorded outlive a purge of the document they were uploaded to', async () => {
    const gif = new TextEncoder().encode('GIF89a-pasted-long-ago');
    const image = await imageIn(server, 'upgrade-uploaded', gif);
    for (const doc of ['upgrade-pasted', 'upgrade-trashed']) {
      await editContent(server, doc, image.hash, (content) => content.insert(0, [imageNode(image.url)]));
    }
    expect((await fetch(`${server.url}/api/docs/upgrade-trashed`, { method: 'DELETE' })).status).toBe(200);
    const storage = sameStorage(server.config);
    await server.close();
    await asBeforeContentReferences(storage, ['upgrade-pasted', 'upgrade-trashed']);
    server = await startTestServer({ ...storage, ...limits });

    await purge(server, 'upgrade-uploaded');
    expect((await fetch(`${server.url}${image.url}`)).status).toBe(200);
    await purge(server, 'upgrade-pasted');
    // The trash can still restore the document, so it keeps its image.
    expect(await isStored(server, image.hash)).toBe(true);
    expect((await fetch(`${server.url}/api/trash/upgrade-trashed`, { method: 'DELETE' })).status).toBe(204);
    expect(await isStored(server, image.hash)).toBe(false);
  });
});

// Several instances share storage only on PostgreSQL (SQLite is one process's file).
const POSTGRES = STORAGE_BACKENDS.find((backend) => backend.name === 'PostgreSQL')!;

describe('image uploads on several PostgreSQL instances', () => {
  it('an image uploaded through one instance is served by another on the same database', async () => {
    const server = await startTestServer({ ...(await POSTGRES.freshConfig()), maxImageBytes: 64 * 1024 });
    const other = await startTestServer(sameStorage(server.config));
    try {
      const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 7, 7, 7);
      const image = (await (await upload(server.url, 'pics', jpeg)).json()) as { url: string };
      const served = await fetch(`${other.url}${image.url}`);
      expect(served.headers.get('content-type')).toBe('image/jpeg');
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(jpeg);
    } finally {
      await other.close();
      await server.close();
    }
  });

  it('an image put into a document through another instance outlives a purge through the first', async () => {
    const server = await startTestServer({ ...(await POSTGRES.freshConfig()), maxImageBytes: 64 * 1024 });
    const other = await startTestServer(sameStorage(server.config));
    try {
      const gif = new TextEncoder().encode('GIF89a-two-instances');
      const image = await imageIn(server, 'uploaded-on-one', gif);
      await editContent(other, 'pasted-on-two', image.hash, (content) =>
        content.insert(0, [imageNode(image.url)]),
      );
      await purge(server, 'uploaded-on-one');
      expect((await fetch(`${server.url}${image.url}`)).status).toBe(200);
      expect(await isStored(server, image.hash)).toBe(true);
    } finally {
      await other.close();
      await server.close();
    }
  });
});

describe('image uploads with auth on', () => {
  let authServer: TestServer;
  beforeAll(async () => {
    authServer = await startTestServer({ authSecret: SECRET });
  });
  afterAll(() => authServer.close());

  it('with auth on, a view-only token cannot upload; a write token can', async () => {
    const token = (role: Role) => signToken(SECRET, { sub: 'u', doc: 'guarded', role }, 3600);
    const as = async (role: Role) =>
      (await upload(authServer.url, 'guarded', PNG, { authorization: `Bearer ${await token(role)}` })).status;
    expect((await upload(authServer.url, 'guarded', PNG)).status).toBe(401);
    expect(await as(Role.Read)).toBe(403);
    expect(await as(Role.Write)).toBe(201);
  });
});
