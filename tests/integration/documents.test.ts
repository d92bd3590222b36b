import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TITLE_TEXT } from '../../shared/documentModel.ts';
import { connectClient, waitForConvergence } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${server.url}/api/docs`, { method: 'POST', headers, body });

async function listed(name: string) {
  const { documents } = (await (await fetch(`${server.url}/api/docs`)).json()) as {
    documents: { name: string; title: string | null }[];
  };
  return documents.find((d) => d.name === name);
}

describe('creating and naming documents', () => {
  it('POST /api/docs creates a document with an unguessable name and the given title', async () => {
    const response = await post(JSON.stringify({ title: '  Road trip  ' }));
    expect(response.status).toBe(201);
    const created = (await response.json()) as { name: string; title: string; url: string };
    expect(created.name).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(created.title).toBe('Road trip');
    expect(created.url).toBe(`/d/${created.name}`);
    expect((await listed(created.name))?.title).toBe('Road trip');

    // The title is in the document itself, so every editor shows it.
    const client = connectClient(server.syncUrl, created.name);
    await client.firstSync;
    expect(client.doc.getText(TITLE_TEXT).toString()).toBe('Road trip');
    client.destroy();

    const other = (await (await post('{}')).json()) as { name: string; title: string };
    expect(other.name).not.toBe(created.name);
    expect(other.title).toBe('Untitled');
  });

  it('POST /api/docs with a name creates that document once, untitled, and refuses a second time', async () => {
    const first = await post(JSON.stringify({ name: 'from-a-link' }));
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ name: 'from-a-link', title: null, url: '/d/from-a-link' });
    expect((await listed('from-a-link'))?.title).toBeNull();

    const again = await post(JSON.stringify({ name: 'from-a-link' }));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'already_exists' } });
    const bad = await post(JSON.stringify({ name: 'bad\u0007name' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_document_name' } });
  });

  it('a title edited in the document shows up in the list', async () => {
    const { name } = (await (await post(JSON.stringify({ title: 'Draft' }))).json()) as { name: string };
    const editor = connectClient(server.syncUrl, name);
    const watcher = connectClient(server.syncUrl, name);
    await Promise.all([editor.firstSync, watcher.firstSync]);
    const title = editor.doc.getText(TITLE_TEXT);
    title.delete(0, title.length);
    title.insert(0, 'Final report');
    await waitForConvergence([editor, watcher]);
    await expect.poll(async () => (await listed(name))?.title).toBe('Final report');
    editor.destroy();
    watcher.destroy();
  });

  it.each([
    ['malformed JSON', '{"title": ', 'invalid_json'],
    ['a title that is not a string', JSON.stringify({ title: 42 }), 'invalid_body'],
    ['an unknown field', JSON.stringify({ title: 'x', owner: 'me' }), 'invalid_body'],
    ['an overlong title', JSON.stringify({ title: 'x'.repeat(201) }), 'invalid_body'],
    ['a JSON array', '[]', 'invalid_body'],
  ])('refuses %s with 400 and a JSON error', async (_label, body, code) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(0);
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    // (Creating a document takes bodies up to MAX_DOCUMENT_BYTES: an imported file.)
    const response = await fetch(`${server.url}/api/docs/some-doc/duplicate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it('serves the web client for its routes, with long caching for hashed assets', async () => {
    for (const path of ['/', '/d/anything']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
    }
    const html = await (await fetch(server.url)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const response = await fetch(`${server.url}${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });
});
