import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Role } from '../../shared/access.ts';
import type { CreatedVersion, RestoredVersion, VersionList } from '../../shared/api.ts';
import { CONTENT_FRAGMENT, TITLE_TEXT } from '../../shared/documentModel.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { ManualTimers } from '../helpers/manualTimers.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheusText.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sameStorage, STORAGE_BACKENDS } from '../helpers/storageBackends.ts';
import { waitFor } from '../helpers/wait.ts';

const QUIET_MS = 120_000;
const SECRET = 'versions-test-secret-long-enough-0123456789';

/** Replaces a client's document with a title and paragraphs, as the editor lays them out. */
function write(client: TestClient, title: string, paragraphs: string[]): void {
  client.doc.transact(() => {
    const text = client.doc.getText(TITLE_TEXT);
    text.delete(0, text.length);
    text.insert(0, title);
    const fragment = client.doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.delete(0, fragment.length);
    fragment.insert(
      0,
      paragraphs.map((line) => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(line)]);
        return paragraph;
      }),
    );
  });
}

/** What a client's editor would show: the title and the paragraphs' text. */
const shown = (doc: Y.Doc) => ({
  title: doc.getText(TITLE_TEXT).toString(),
  paragraphs: doc
    .getXmlFragment(CONTENT_FRAGMENT)
    .toArray()
    .map((block) => (block as Y.XmlElement).toArray().join('')),
});

function api(server: TestServer, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    call,
    create: (name: string) => call('POST', '/api/docs', { name }),
    list: async (doc: string) =>
      ((await (await call('GET', `/api/docs/${doc}/versions`)).json()) as VersionList).versions,
    name: (doc: string, name: string) => call('POST', `/api/docs/${doc}/versions`, { name }),
    restore: (doc: string, id: string) => call('POST', `/api/docs/${doc}/versions/${id}/restore`),
    state: async (doc: string, id: string) => {
      const state = new Y.Doc();
      Y.applyUpdate(
        state,
        new Uint8Array(await (await call('GET', `/api/docs/${doc}/versions/${id}/update`)).arrayBuffer()),
      );
      return state;
    },
    exported: async (doc: string, query: string) =>
      (await call('GET', `/api/docs/${doc}/export?${query}`)).text(),
  };
}

/** Waits until the server has committed what `client` wrote (its export shows `text`). */
const committed = (server: TestServer, doc: string, text: string) =>
  waitFor(
    async () => (await api(server).exported(doc, 'format=md')).includes(text),
    `the server to hold "${text}"`,
  );

describe.each(STORAGE_BACKENDS)('version history on $name', (backend) => {
  let server: TestServer;
  let timers: ManualTimers;
  const clients: TestClient[] = [];
  const connect = (doc: string, name?: string) => {
    const client = connectClient(server.syncUrl, doc);
    if (name !== undefined)
      client.provider.awareness.setLocalStateField('user', { id: name, name, color: '#336699' });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    timers = new ManualTimers(Date.now());
    server = await startTestServer(await backend.freshConfig(), undefined, { versionTimers: timers });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.close();
  });

  it('typing produces an automatic version at the quiet time, crediting the writer by name', async () => {
    const { create, list, state } = api(server);
    expect((await create('typed')).status).toBe(201);
    const ada = connect('typed', 'Ada');
    await ada.firstSync;
    await waitFor(
      async () => JSON.stringify(await (await fetch(`${server.url}/api/presence`)).json()).includes('Ada'),
      'the server to know Ada by name',
    );
    write(ada, 'Letter', ['Dear editor,']);
    await committed(server, 'typed', 'Dear editor,');

    timers.advance(QUIET_MS - 1);
    expect(await list('typed')).toEqual([]);
    timers.advance(1);
    await waitFor(async () => (await list('typed')).length === 1, 'an automatic version');
    const [version] = await list('typed');
    expect(version).toMatchObject({ kind: 'auto', name: null, authors: ['Ada'] });
    expect(shown(await state('typed', version!.id))).toEqual({
      title: 'Letter',
      paragraphs: ['Dear editor,'],
    });
  });

  it('restoring with two writers and a stock client connected brings the old text back for all of them', async () => {
    const { create, list, name, restore, state } = api(server);
    await create('shared');
    const ada = connect('shared', 'Ada');
    const grace = connect('shared', 'Grace');
    const stock = connect('shared'); // a y-websocket app with no Inkwell code and no name
    await Promise.all([ada.firstSync, grace.firstSync, stock.firstSync]);
    write(ada, 'Draft', ['Tuesday draft', 'kept ending']);
    await committed(server, 'shared', 'Tuesday draft');
    const tuesday = ((await (await name('shared', '  Sent on Tuesday  ')).json()) as CreatedVersion).version;
    expect(tuesday).toMatchObject({ kind: 'named', name: 'Sent on Tuesday' });

    write(grace, 'Final', ['Rewritten by Grace', 'kept ending']);
    await waitFor(() => shown(ada.doc).title === 'Final', 'Ada to see Grace’s rewrite');

    const response = await restore('shared', tuesday.id);
    expect(response.status).toBe(200);
    const { restoredFrom, saved } = (await response.json()) as RestoredVersion;
    expect(restoredFrom.id).toBe(tuesday.id);
    expect(saved).toMatchObject({ kind: 'restore', name: 'Before restoring "Sent on Tuesday"' });

    const old = { title: 'Draft', paragraphs: ['Tuesday draft', 'kept ending'] };
    for (const client of [ada, grace, stock]) {
      await waitFor(
        () => JSON.stringify(shown(client.doc)) === JSON.stringify(old),
        'every client to show the old text',
      );
    }
    const vector = (c: TestClient) => Buffer.from(Y.encodeStateVector(c.doc)).toString('hex');
    await waitFor(
      () => vector(stock) === vector(ada) && vector(grace) === vector(ada),
      'the copies to converge',
    );
    // Nobody was reset: the providers stayed connected throughout.
    expect([ada, grace, stock].every((c) => c.provider.wsconnected)).toBe(true);

    // The state before the restore is a version of its own.
    expect(shown(await state('shared', saved.id))).toEqual({
      title: 'Final',
      paragraphs: ['Rewritten by Grace', 'kept ending'],
    });
    expect((await list('shared')).map((v) => v.kind)).toEqual(['restore', 'named']);
  });

  it('saves the "before restoring" version the editor asks for ahead of its own restore', async () => {
    const { call, create, name, list, state } = api(server);
    await create('editor-restore');
    const writer = connect('editor-restore', 'Ada');
    await writer.firstSync;
    write(writer, 'One', ['first']);
    await committed(server, 'editor-restore', 'first');
    const first = ((await (await name('editor-restore', 'First')).json()) as CreatedVersion).version;
    write(writer, 'Two', ['second']);
    await committed(server, 'editor-restore', 'second');

    const response = await call('POST', '/api/docs/editor-restore/versions', {
      kind: 'restore',
      restoring: first.id,
    });
    expect(response.status).toBe(201);
    const { version } = (await response.json()) as CreatedVersion;
    expect(version).toMatchObject({ kind: 'restore', name: 'Before restoring "First"' });
    expect(shown(await state('editor-restore', version.id))).toEqual({
      title: 'Two',
      paragraphs: ['second'],
    });
    // Nothing was restored on the server: that is the editor's own, undoable change.
    expect(shown(writer.doc).title).toBe('Two');
    expect((await list('editor-restore')).map((v) => v.id)).toEqual([version.id, first.id]);
  });

  it('exports a version, and answers 404 for an unknown version or document and 400 for a bad body', async () => {
    const { call, create, name, exported } = api(server);
    await create('exported');
    const writer = connect('exported');
    await writer.firstSync;
    write(writer, 'Then', ['what it said then']);
    await committed(server, 'exported', 'what it said then');
    const then = ((await (await name('exported', 'then')).json()) as CreatedVersion).version;
    write(writer, 'Now', ['what it says now']);
    await committed(server, 'exported', 'what it says now');

    const markdown = await exported('exported', `format=md&version=${then.id}`);
    expect(markdown).toContain('# Then');
    expect(markdown).toContain('what it said then');
    expect(markdown).not.toContain('now');

    for (const [method, path] of [
      ['GET', `/api/docs/exported/export?format=md&version=999999`],
      ['GET', `/api/docs/exported/export?format=md&version=nonsense`],
      ['GET', `/api/docs/exported/versions/999999/update`],
      ['POST', `/api/docs/exported/versions/999999/restore`],
      ['GET', `/api/docs/never-created/versions`],
      ['POST', `/api/docs/never-created/versions/${then.id}/restore`],
    ] as const) {
      const response = await call(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: expect.any(String) } });
    }
    // Another document's version is no version of this one.
    await create('elsewhere');
    expect((await call('GET', `/api/docs/elsewhere/versions/${then.id}/update`)).status).toBe(404);
    expect(
      (await call('POST', '/api/docs/exported/versions', { kind: 'restore', restoring: '999999' })).status,
    ).toBe(404);
    for (const body of [
      {},
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { kind: 'auto' },
      { name: 'a', extra: 1 },
    ]) {
      expect((await call('POST', '/api/docs/exported/versions', body)).status, JSON.stringify(body)).toBe(
        400,
      );
    }
  });
});

describe.each(STORAGE_BACKENDS)('versions on $name', (backend) => {
  const compactions = async (server: TestServer) =>
    sampleValue(
      parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text()),
      'inkwell_compactions_total',
    );

  it('survive compaction after they were taken and a restart, and restore from there', async () => {
    const storage = await backend.freshConfig();
    const settings = { compactAfterUpdates: 3, metrics: true };
    const first = await startTestServer({ ...storage, ...settings });
    const { create, name } = api(first);
    await create('kept');
    const writer = connectClient(first.syncUrl, 'kept');
    await writer.firstSync;
    for (let i = 1; i <= 6; i++) write(writer, `Take ${i}`, [`paragraph ${i}`]);
    await committed(first, 'kept', 'paragraph 6');
    const saved = ((await (await name('kept', 'Take six')).json()) as CreatedVersion).version;

    // Edits past COMPACT_AFTER_UPDATES after the version: the log is folded into a snapshot
    // that holds none of the version's state as a separate entry.
    const before = await compactions(first);
    for (let i = 7; i <= 12; i++) write(writer, `Take ${i}`, [`paragraph ${i}`]);
    await committed(first, 'kept', 'paragraph 12');
    await waitFor(async () => (await compactions(first)) > before, 'a compaction after the version');
    writer.destroy();
    // Closing unloads the room: it compacts again and takes an automatic version of takes 7-12.
    await first.close();

    const second = await startTestServer({ ...sameStorage(first.config), ...settings });
    try {
      const again = api(second);
      const versions = await again.list('kept');
      expect(versions.map((v) => v.kind)).toEqual(['auto', 'named']);
      expect(versions[1]).toEqual(saved);
      expect(shown(await again.state('kept', saved.id))).toEqual({
        title: 'Take 6',
        paragraphs: ['paragraph 6'],
      });
      expect(shown(await again.state('kept', versions[0]!.id))).toEqual({
        title: 'Take 12',
        paragraphs: ['paragraph 12'],
      });

      const reader = connectClient(second.syncUrl, 'kept');
      try {
        await reader.firstSync;
        expect(shown(reader.doc).title).toBe('Take 12');
        expect((await again.restore('kept', saved.id)).status).toBe(200);
        await waitFor(() => shown(reader.doc).title === 'Take 6', 'the restored text to reach the client');
        expect(shown(reader.doc)).toEqual({ title: 'Take 6', paragraphs: ['paragraph 6'] });
        expect(await again.exported('kept', 'format=md')).toBe('# Take 6\n\nparagraph 6\n');
      } finally {
        reader.destroy();
      }
    } finally {
      await second.close();
    }
  });
});

describe('version access with auth on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ authSecret: SECRET });
  });
  afterAll(() => server.close());

  it('a reader can list versions and read them, but cannot name or restore one (403)', async () => {
    const writerToken = await signToken(SECRET, { sub: 'w', doc: 'guarded', role: Role.Write }, 3600);
    const readerToken = await signToken(SECRET, { sub: 'r', doc: 'guarded', role: Role.Read }, 3600);
    const writer = api(server, writerToken);
    const reader = api(server, readerToken);
    expect((await writer.create('guarded')).status).toBe(201);
    const version = ((await (await writer.name('guarded', 'by the writer')).json()) as CreatedVersion)
      .version;

    expect((await reader.list('guarded')).map((v) => v.id)).toEqual([version.id]);
    expect((await reader.call('GET', `/api/docs/guarded/versions/${version.id}/update`)).status).toBe(200);
    expect((await reader.name('guarded', 'by the reader')).status).toBe(403);
    expect((await reader.restore('guarded', version.id)).status).toBe(403);
    expect((await api(server).call('GET', '/api/docs/guarded/versions')).status).toBe(401);
    expect(await writer.list('guarded')).toHaveLength(1);
  });
});
