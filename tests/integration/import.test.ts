import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDocument, DocumentList } from '../../shared/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MAX_DOCUMENT_BYTES = 64 * 1024;
const MAX_IMPORT_BYTES = 32 * 1024;
/** Every POST body without a file, as on every other route. */
const MAX_API_BODY_BYTES = 16 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ maxDocumentBytes: MAX_DOCUMENT_BYTES, maxImportBytes: MAX_IMPORT_BYTES });
});
afterAll(() => server.close());

const create = (body: unknown) =>
  fetch(`${server.url}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : body instanceof Buffer ? new Blob([body]) : JSON.stringify(body),
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

  it('creates a formatted document from HTML, its first heading as the title', async () => {
    const html = `<h1>Trip notes</h1>
<h2>Packing</h2>
<ul><li>passport</li><li><strong>charger</strong> and <em>cable</em></li></ul>
<ol><li>book the train</li><li>pack</li></ol>
<ul data-type="taskList">
  <li data-type="taskItem" data-checked="true"><label><input type="checkbox" checked></label><div><p>tickets</p></div></li>
  <li data-type="taskItem" data-checked="false"><label><input type="checkbox"></label><div><p>hotel</p></div></li>
</ul>
<table><tr><th>day</th><th>where</th></tr><tr><td>1</td><td>Lyon</td></tr></table>
<p>See <a href="https://example.org/map">the map</a>.</p>`;
    const response = await create({ content: { format: 'html', text: html } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedDocument;
    expect(created.title).toBe('Trip notes');
    expect(await exported(created.name, 'md')).toBe(
      `# Trip notes

## Packing

- passport
- **charger** and *cable*

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
  });

  it('imports its own HTML export back as the same document', async () => {
    const original = (await (
      await create({ content: { format: 'markdown', text: NOTES } })
    ).json()) as CreatedDocument;
    const page = await exported(original.name, 'html');
    const response = await create({ content: { format: 'html', text: page } });
    expect(response.status).toBe(201);
    const copy = (await response.json()) as CreatedDocument;
    expect(copy.title).toBe('Trip notes');
    expect(await exported(copy.name, 'md')).toBe(await exported(original.name, 'md'));
  });

  it('imports hostile HTML inert: no scripts, handlers, styles, or javascript:/data: links and images', async () => {
    const blob = `/blobs/${'ab'.repeat(32)}`;
    const hostile = `<script>window.pwned = 'script'</script>
<style>body { display: none }</style>
<p onclick="window.pwned = 'onclick'">Click <a href="javascript:window.pwned='link'">here</a>,
<a href=" JaVa&#x09;ScRiPt:window.pwned='obfuscated'">there</a>,
<a href="data:text/html,<script>window.pwned='data'</script>">data</a> or
<a href="https://example.org/safe">safe</a>.</p>
<img src="x" onerror="window.pwned = 'onerror'">
<img src="javascript:window.pwned='img'" alt="scripted image">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline image">
<img src="https://example.org/photo.png" alt="photo">
<img src="${blob}" alt="upload">
<iframe src="https://example.org/frame"></iframe>`;
    const response = await create({ title: 'Hostile', content: { format: 'html', text: hostile } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as CreatedDocument;

    const page = await exported(created.name, 'html');
    for (const inert of [
      'pwned',
      '<script',
      'onclick',
      'onerror',
      'javascript:',
      'data:',
      'iframe',
      'display: none',
    ]) {
      expect(page.toLowerCase(), inert).not.toContain(inert.toLowerCase());
    }
    // The refused links and images keep their words, as text.
    expect(page).toContain('Click here,');
    expect(page).toContain('<a href="https://example.org/safe"');
    expect(page).toContain('<p>scripted image</p>');
    // The editor never takes data: images (allowBase64: false), not even as alt text.
    expect(page).not.toContain('inline image');
    expect(page).toContain('<img src="https://example.org/photo.png" alt="photo"/>');
    expect(page).toContain(`<img src="${blob}" alt="upload"/>`);
    const markdown = await exported(created.name, 'md');
    expect(markdown).toContain('[safe](https://example.org/safe)');
    expect(markdown.match(/\]\(/g)).toHaveLength(3);
  });

  it('refuses bad imports with a clear error and creates nothing', async () => {
    const before = await documentCount();
    const cases: [unknown, number, string][] = [
      [{ content: { format: 'docx', text: 'x' } }, 400, 'invalid_body'],
      [{ content: { format: 'markdown' } }, 400, 'invalid_body'],
      [{ content: { format: 'markdown', text: 'broken \ud800 text' } }, 400, 'unreadable_file'],
      [{ content: { format: 'markdown', text: 'nul \u0000 byte' } }, 400, 'unreadable_file'],
      [{ content: { format: 'html', text: 'broken \udc00 text' } }, 400, 'unreadable_file'],
      [
        { content: { format: 'markdown', text: 'word '.repeat(MAX_IMPORT_BYTES / 4) } },
        413,
        'import_too_large',
      ],
      // Under the import cap, but its document would pass the document limit.
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
    // A body larger than any file under the cap can make is refused from its Content-Length.
    const oversized = await createAlone({
      content: { format: 'markdown', text: 'word '.repeat(MAX_DOCUMENT_BYTES / 4) },
    });
    expect(oversized).toMatchObject({ status: 413, json: { error: { code: 'import_too_large' } } });
    expect(await documentCount()).toBe(before);
  });
});

describe('import bodies that are not UTF-8', () => {
  it('refuses raw invalid UTF-8 bytes with 400 instead of importing replacement characters, creating nothing', async () => {
    const before = await documentCount();
    const invalid: [string, number[]][] = [
      ['a Latin-1 é', [0xe9]],
      ['a stray continuation byte', [0x80]],
      ['a truncated sequence', [0xe2, 0x82]],
      ['an overlong encoding of "/"', [0xc0, 0xaf]],
      ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ];
    for (const [what, bytes] of invalid) {
      const body = Buffer.concat([
        Buffer.from('{"content":{"format":"markdown","text":"caf'),
        Buffer.from(bytes),
        Buffer.from(' au lait"}}'),
      ]);
      const response = await create(body);
      expect(response.status, what).toBe(400);
      expect(await response.json(), what).toEqual({
        error: { code: 'invalid_json', message: 'the request body is not valid UTF-8' },
      });
    }
    expect(await documentCount()).toBe(before);
    // The same body in UTF-8 is a document.
    const valid = await create(Buffer.from('{"content":{"format":"markdown","text":"café au lait"}}'));
    expect(valid.status).toBe(201);
    const created = (await valid.json()) as CreatedDocument;
    expect(await exported(created.name, 'md')).toBe('café au lait\n');
  });
});

/**
 * Streams a create body without Content-Length, one chunk at a time, until the server
 * answers or `totalBytes` are sent: how many bytes went out before the answer came.
 */
function streamCreate(prefix: string, totalBytes: number) {
  return new Promise<{ status: number; json: unknown; sentBytes: number }>((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const request = http.request(
      `${server.url}/api/docs`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (response) => {
        answered = true;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, json: JSON.parse(text), sentBytes }),
        );
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = 'a'.repeat(16 * 1024);
    const send = () => {
      if (sentBytes === 0) {
        request.write(prefix);
        sentBytes += prefix.length;
      }
      while (!answered && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', send);
      }
      if (!answered) request.end('"}}');
    };
    send();
  });
}

describe('import size limits', () => {
  it('takes a file of exactly MAX_IMPORT_BYTES in UTF-8 and refuses one byte more, creating nothing', async () => {
    // Two bytes a character: the cap counts bytes, not characters.
    const atCap = 'é'.repeat(MAX_IMPORT_BYTES / 2);
    const accepted = await create({ title: 'At the cap', content: { format: 'markdown', text: atCap } });
    expect(accepted.status).toBe(201);
    const before = await documentCount();
    for (const format of ['markdown', 'html'] as const) {
      const refused = await create({ content: { format, text: `${atCap}e` } });
      expect(refused.status).toBe(413);
      expect(await refused.json()).toEqual({
        error: { code: 'import_too_large', message: 'imported files are limited to 32768 bytes' },
      });
    }
    expect(await documentCount()).toBe(before);
  });

  it('takes a file under the cap whose JSON escaping nearly doubles its body', async () => {
    // Every quote takes two bytes in JSON.
    const text = `said ${'"'.repeat(MAX_IMPORT_BYTES - 100)}`;
    expect(JSON.stringify(text).length).toBeGreaterThan(2 * MAX_IMPORT_BYTES - 250);
    const response = await create({ content: { format: 'markdown', text } });
    expect(response.status, await response.clone().text()).toBe(201);
    const created = (await response.json()) as CreatedDocument;
    expect(await exported(created.name, 'md')).toContain(`said ${'"'.repeat(100)}`);
  });

  it('keeps bodies without a file at 16 KiB, as before imports', async () => {
    const before = await documentCount();
    const response = await create({ title: 'Big name', name: 'n'.repeat(MAX_API_BODY_BYTES) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'body_too_large', message: `request bodies are limited to ${MAX_API_BODY_BYTES} bytes` },
    });
    // Just under it, the name rule answers, not the size limit.
    const named = await create({ name: 'n'.repeat(MAX_API_BODY_BYTES - 100) });
    expect(named.status).toBe(400);
    expect(await documentCount()).toBe(before);
  });

  it('refuses a streamed body without Content-Length while it is still being sent', async () => {
    const before = await documentCount();
    const totalBytes = 64 * 1024 * 1024;
    const answer = await streamCreate('{"content":{"format":"markdown","text":"', totalBytes);
    expect(answer).toMatchObject({ status: 413, json: { error: { code: 'import_too_large' } } });
    expect(answer.sentBytes).toBeLessThan(totalBytes);
    expect(await documentCount()).toBe(before);
  });
});
