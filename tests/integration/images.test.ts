import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../shared/access.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { runSql } from '../helpers/postgres.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sameStorage, STORAGE_BACKENDS } from '../helpers/storageBackends.ts';

const SECRET = 'image-test-secret-that-is-long-enough-012345';
const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3);
const SVG = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);

const upload = (
  base: string,
  doc: string,
  body: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) => fetch(`${base}/api/docs/${doc}/images`, { method: 'POST', body, headers });

/** How many images the server's storage holds, read from its database directly. */
async function blobRows(s: TestServer): Promise<number> {
  if (s.config.database !== null) {
    const rows = await runSql<{ n: number }>(s.config.database.url, 'SELECT count(*)::int AS n FROM blobs');
    return rows[0]!.n;
  }
  const db = new Database(path.join(s.config.dataDir, 'inkwell.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe.each(STORAGE_BACKENDS)('image uploads on $name', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...(await backend.freshConfig()), maxImageBytes: 64 * 1024 });
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
    const before = await blobRows(server);
    const response = await upload(server.url, 'pics', SVG, { 'content-type': 'image/png' });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/PNG, JPEG/);
    expect(await blobRows(server)).toBe(before);
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
    const shared = (await (await upload(server.url, 'shared-pics', PNG)).json()) as { url: string };
    const own = (await (await upload(server.url, 'own-pics', gif)).json()) as { url: string };
    await upload(server.url, 'own-pics', PNG);
    await fetch(`${server.url}/api/docs/own-pics`, { method: 'DELETE' });
    expect((await fetch(`${server.url}/api/trash/own-pics`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${server.url}${own.url}`)).status).toBe(404);
    expect((await fetch(`${server.url}${shared.url}`)).status).toBe(200);
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
