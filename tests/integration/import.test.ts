import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDocument, DocumentList } from '../../shared/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAX_DOCUMENT_BYTES = 64 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ maxDocumentBytes: MAX_DOCUMENT_BYTES });
});
afterAll(() => server.close());

const create = (body: unknown) =>
  fetch(`${server.url}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
/**
 * A POST on a connection of its own: the server answers an oversized body with 413 before
 * reading it all and closes that connection, which fetch's pool would otherwise reuse.
 */
const createAlone = (body: unknown) =>
  new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const request = http.request(
      `${server.url}/api/docs`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, json: JSON.parse(text) }));
      },
    );
    // The server may close while the rest of the body is still being sent.
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
const documentCount = async () =>
  ((await (await fetch(`${server.url}/api/docs`)).json()) as DocumentList).documents.length;
const exported = async (name: string, format: string) =>
  (await fetch(`${server.url}/api/docs/${encodeURIComponent(name)}/export?format=${format}`)).text();

const NOTES = `# Trip notes

## Packing

- passport
- **charger**

1. book the train
2. pack

- [x] tickets
- [ ] hotel

| day | where |
| --- | ----- |
| 1   | Lyon  |

See [the map](https://example.org/map).
`;

describe('importing a file as a new document', () => {
  it('creates a formatted document from Markdown, its first heading as the title', async () => {
    const response = await create({ content: { format: 'markdown', text: NOTES } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedDocument;
    expect(created.title).toBe('Trip notes');

    const markdown = await exported(created.name, 'md');
    expect(markdown).toBe(
      `# Trip notes

## Packing

- passport
- **charger**

1. book the train
2. pack

- [x] tickets
- [ ] hotel


| day | where |
| --- | ----- |
| 1   | Lyon  |


See [the map](https://example.org/map).
`,
    );
    const html = await exported(created.name, 'html');
    expect(html).toContain('<h2>Packing</h2>');
    expect(html).toMatch(/<ul><li><p>passport<\/p><\/li><li><p><strong>charger<\/strong>/);
    expect(html).toContain('<ol>');
  });

  it('takes the given title and keeps a leading heading in the text then', async () => {
    const response = await create({
      title: 'Chosen',
      content: { format: 'markdown', text: '# Heading\n\nBody' },
    });
    const created = (await response.json()) as CreatedDocument;
    expect(created.title).toBe('Chosen');
    expect(await exported(created.name, 'md')).toBe('# Chosen\n\n# Heading\n\nBody\n');
  });

  it('refuses bad imports with a clear error and creates nothing', async () => {
    const before = await documentCount();
    const cases: [unknown, number, string][] = [
      [{ content: { format: 'docx', text: 'x' } }, 400, 'invalid_body'],
      [{ content: { format: 'markdown' } }, 400, 'invalid_body'],
      [{ content: { format: 'markdown', text: 'broken \ud800 text' } }, 400, 'unreadable_file'],
      [{ content: { format: 'markdown', text: 'nul \u0000 byte' } }, 400, 'unreadable_file'],
      [{ content: { format: 'html', text: '<p>hi</p>' } }, 501, 'html_import_unavailable'],
      [
        { content: { format: 'markdown', text: 'word '.repeat(MAX_DOCUMENT_BYTES / 4) } },
        413,
        'document_too_large',
      ],
      [
        { content: { format: 'markdown', text: '- item\n'.repeat(MAX_DOCUMENT_BYTES / 16) } },
        413,
        'document_too_large',
      ],
    ];
    for (const [body, status, code] of cases) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
    }
    // A file larger than a document may be is refused before it is read.
    const oversized = await createAlone({
      content: { format: 'markdown', text: 'word '.repeat(MAX_DOCUMENT_BYTES / 4) },
    });
    expect(oversized).toMatchObject({ status: 413, json: { error: { code: 'document_too_large' } } });
    expect(await documentCount()).toBe(before);
  });
});
