import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../shared/access.ts';
import { CONTENT_FRAGMENT, TITLE_TEXT } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

const exported = (doc: string, query: string) => fetch(`${server.url}/api/docs/${doc}/export?${query}`);

describe('exporting a document over HTTP', () => {
  it('downloads what a connected client wrote as Markdown, HTML and ProseMirror JSON', async () => {
    const writer = connectClient(server.syncUrl, 'export-me');
    await writer.firstSync;
    writer.doc.transact(() => {
      writer.doc.getText(TITLE_TEXT).insert(0, 'Trip notes');
      prosemirrorJSONToYXmlFragment(
        getSchema(documentExtensions()),
        {
          type: 'doc',
          content: [
            { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Packing' }] },
            {
              type: 'bulletList',
              content: [
                {
                  type: 'listItem',
                  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'boots' }] }],
                },
              ],
            },
          ],
        },
        writer.doc.getXmlFragment(CONTENT_FRAGMENT),
      );
    });
    await waitFor(
      async () => (await (await exported('export-me', 'format=md')).text()).includes('boots'),
      'the export to hold the text',
    );

    const markdown = await exported('export-me', 'format=md');
    expect(markdown.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(markdown.headers.get('content-disposition')).toContain("filename*=UTF-8''Trip%20notes.md");
    expect(await markdown.text()).toBe('# Trip notes\n\n## Packing\n\n- boots\n');

    const html = await (await exported('export-me', 'format=html')).text();
    expect(html).toContain('<title>Trip notes</title>');
    expect(html).toContain('<ul><li><p>boots</p></li></ul>');

    const json = (await (await exported('export-me', 'format=json')).json()) as {
      type: string;
      content: unknown[];
    };
    expect(json.type).toBe('doc');
    expect(json.content).toHaveLength(2);
    writer.destroy();
  });

  it('answers an unknown format with 400 and an unknown document or version with 404', async () => {
    expect((await exported('export-me', 'format=docx')).status).toBe(400);
    expect((await exported('never-written', 'format=md')).status).toBe(404);
    expect((await exported('export-me', 'format=md&version=42')).status).toBe(404);
  });
});

describe('export access with auth on', () => {
  const SECRET = 'export-test-secret-long-enough-0123456789';
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({ authSecret: SECRET });
  });
  afterAll(() => guarded.close());

  it('needs a token (401), one for this document (403), and reading is enough (200)', async () => {
    const token = (doc: string, role: Role) => signToken(SECRET, { sub: 'u', doc, role }, 3600);
    const writer = await token('private-notes', Role.Write);
    const created = await fetch(`${guarded.url}/api/docs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'private-notes', title: 'Private' }),
    });
    expect(created.status).toBe(201);
    const exportAs = (bearer?: string) =>
      fetch(`${guarded.url}/api/docs/private-notes/export?format=md`, {
        headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
      });

    const anonymous = await exportAs();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: expect.any(String) } });
    const elsewhere = await exportAs(await token('other-doc', Role.Write));
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.text()).not.toContain('Private');
    const reader = await exportAs(await token('private-notes', Role.Read));
    expect(reader.status).toBe(200);
    expect(await reader.text()).toBe('# Private\n');
  });
});
