import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../shared/access.ts';
import * as Y from 'yjs';
import { CloseCode, DeletedReason } from '../../shared/closeCodes.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient } from '../helpers/clients.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

const api = (route: string, method = 'GET', body?: unknown, token?: string) =>
  fetch(`${server.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const names = async (route: string) =>
  ((await (await api(route)).json()) as { documents: { name: string }[] }).documents.map((d) => d.name);

/** A document typed into by a stock client, which then leaves. */
async function typedDocument(name: string, text: string): Promise<void> {
  const client = connectClient(server.syncUrl, name);
  await client.firstSync;
  client.doc.getText('text').insert(0, text);
  await waitFor(async () => (await api(`/api/docs/${name}`)).ok, 'the document to be stored');
  client.destroy();
  await server.registry.unloadsSettled();
}

/** Rows and bytes stored for one document, read from the SQLite file itself. */
function storedRows(name: string): number {
  const db = new Database(path.join(server.config.dataDir, 'inkwell.db'), { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get(name) as { n: number }).n;
    return (
      count('SELECT COUNT(*) AS n FROM documents WHERE name = ?') +
      count('SELECT COUNT(*) AS n FROM updates WHERE doc = ?') +
      count('SELECT COUNT(*) AS n FROM snapshots WHERE name = ?')
    );
  } finally {
    db.close();
  }
}

describe('the trash', () => {
  it('delete moves a document to the trash; restore brings it and its content back', async () => {
    await typedDocument('to-restore', 'still here');
    const deleted = await api('/api/docs/to-restore', 'DELETE');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ name: 'to-restore', deletedAt: expect.any(String) });
    expect(await names('/api/docs')).not.toContain('to-restore');
    expect(await names('/api/trash')).toContain('to-restore');
    expect((await api('/api/docs/to-restore')).status).toBe(410);

    expect((await api('/api/docs/to-restore/restore', 'POST')).status).toBe(200);
    expect(await names('/api/docs')).toContain('to-restore');
    expect(await names('/api/trash')).not.toContain('to-restore');
    const client = connectClient(server.syncUrl, 'to-restore');
    await client.firstSync;
    expect(client.text()).toBe('still here');
    client.destroy();
  });

  it('a deleted document refuses sync with the final DocumentDeleted code', async () => {
    await typedDocument('refused', 'x');
    await api('/api/docs/refused', 'DELETE');
    expect((await openRawSocket(`${server.syncUrl}/refused`).closed).code).toBe(CloseCode.DocumentDeleted);
  });

  it('deleting closes the sessions of an open document with the final code', async () => {
    const client = connectClient(server.syncUrl, 'open-when-deleted');
    await client.firstSync;
    client.doc.getText('text').insert(0, 'typing');
    const codes: number[] = [];
    client.provider.on('connection-close', (event: CloseEvent | null) => event && codes.push(event.code));
    await waitFor(async () => (await api('/api/docs/open-when-deleted')).ok, 'the document to be stored');
    expect((await api('/api/docs/open-when-deleted', 'DELETE')).status).toBe(200);
    await waitFor(() => codes.length > 0, 'the close');
    expect(codes).toEqual([CloseCode.DocumentDeleted]);
    client.destroy();
  });

  it('purge frees the stored rows; the trash no longer lists it', async () => {
    await typedDocument('to-purge', 'gone soon');
    expect(storedRows('to-purge')).toBeGreaterThan(1);
    expect((await api('/api/trash/to-purge', 'DELETE')).status).toBe(404); // not in the trash yet
    await api('/api/docs/to-purge', 'DELETE');
    expect((await api('/api/trash/to-purge', 'DELETE')).status).toBe(204);
    expect(storedRows('to-purge')).toBe(0);
    expect(await names('/api/trash')).not.toContain('to-purge');
  });

  it('a purged document’s link says it was permanently deleted, and its name is never used again', async () => {
    await typedDocument('purged-for-good', 'remembered only offline');
    await api('/api/docs/purged-for-good', 'DELETE');
    expect((await api('/api/trash/purged-for-good', 'DELETE')).status).toBe(204);

    const lookup = await api('/api/docs/purged-for-good');
    expect(lookup.status).toBe(410);
    expect(await lookup.json()).toMatchObject({ error: { code: 'purged', message: /permanently deleted/ } });
    const recreate = await api('/api/docs', 'POST', { name: 'purged-for-good' });
    expect(recreate.status).toBe(409);
    expect(await recreate.json()).toMatchObject({ error: { code: 'purged' } });
    expect(await names('/api/docs')).not.toContain('purged-for-good');
  });

  it('a stale client holding a purged document’s content is refused with 4410 and cannot bring it back', async () => {
    // A tab that was offline while the document was deleted and purged, with its copy.
    const stale = new Y.Doc();
    const writer = connectClient(server.syncUrl, 'purged-stale', { doc: stale });
    await writer.firstSync;
    stale.getText('text').insert(0, 'old words');
    await waitFor(async () => (await api('/api/docs/purged-stale')).ok, 'the document to be stored');
    writer.provider.disconnect();
    await api('/api/docs/purged-stale', 'DELETE');
    await api('/api/trash/purged-stale', 'DELETE');

    const closes: { code: number; reason: string }[] = [];
    writer.provider.on('connection-close', (event: CloseEvent | null) => event && closes.push(event));
    writer.provider.connect();
    await waitFor(() => closes.length > 0, 'the refusal');
    expect(closes).toMatchObject([{ code: CloseCode.DocumentDeleted, reason: DeletedReason.Purged }]);
    writer.destroy();
    expect((await api('/api/docs/purged-stale')).status).toBe(410);
    expect(storedRows('purged-stale')).toBe(0);
  });

  it('emptying the trash purges every deleted document', async () => {
    await typedDocument('bin-a', 'a');
    await typedDocument('bin-b', 'b');
    await api('/api/docs/bin-a', 'DELETE');
    await api('/api/docs/bin-b', 'DELETE');
    const emptied = await api('/api/trash', 'DELETE');
    expect(((await emptied.json()) as { purged: number }).purged).toBeGreaterThanOrEqual(2);
    expect(await names('/api/trash')).toEqual([]);
    expect(storedRows('bin-a') + storedRows('bin-b')).toBe(0);
  });

  it('duplicate copies the content under a new name, titled "Copy of …"', async () => {
    const created = (await (await api('/api/docs', 'POST', { title: 'Plan' })).json()) as { name: string };
    const writer = connectClient(server.syncUrl, created.name);
    await writer.firstSync;
    writer.doc.getText('text').insert(0, 'the body');
    const copied = await api(`/api/docs/${created.name}/duplicate`, 'POST');
    expect(copied.status).toBe(201);
    const copy = (await copied.json()) as { name: string; title: string; url: string };
    expect(copy).toMatchObject({ title: 'Copy of Plan', url: `/d/${copy.name}` });
    expect(copy.name).not.toBe(created.name);
    writer.destroy();
    const reader = connectClient(server.syncUrl, copy.name);
    await reader.firstSync;
    expect(reader.text()).toBe('the body');
    expect(reader.doc.getText('title').toString()).toBe('Copy of Plan');
    reader.destroy();
  });
});

describe('the trash with auth on', () => {
  const SECRET = 'trash-test-secret-that-is-long-enough-0123';
  let authServer: TestServer;
  const token = (doc: string, role: Role) => signToken(SECRET, { sub: 'u', doc, role }, 3600);

  beforeAll(async () => {
    authServer = await startTestServer({ authSecret: SECRET });
  });
  afterAll(() => authServer.close());

  it('a view-only token can neither delete, restore nor purge', async () => {
    const call = async (route: string, method: string, role: Role) =>
      (
        await fetch(`${authServer.url}${route}`, {
          method,
          headers: { authorization: `Bearer ${await token('guarded', role)}` },
        })
      ).status;
    expect(await call('/api/docs/guarded', 'DELETE', Role.Read)).toBe(403);
    expect(await call('/api/docs/guarded/restore', 'POST', Role.Read)).toBe(403);
    expect(await call('/api/trash/guarded', 'DELETE', Role.Read)).toBe(403);
    expect(await call('/api/trash', 'GET', Role.Read)).toBe(200);
  });
});
