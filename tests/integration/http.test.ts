import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ApiErrorBody,
  CreatedDocument,
  DocumentList,
  DocumentSummary,
  ServerConfig,
} from '../../shared/api.ts';
import { connectClient, waitForConvergence } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const a = connectClient(server.syncUrl, 'meeting-notes');
  const b = connectClient(server.syncUrl, 'meeting-notes');
  await a.firstSync;
  a.doc.getText('text').insert(0, 'Agenda');
  await waitForConvergence([a, b]);
  a.destroy();
  b.destroy();
});

afterAll(() => server.close());

const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

describe('HTTP API', () => {
  it('GET /healthz answers 200 while serving', async () => {
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('GET /api/docs lists stored documents with last change and size', async () => {
    const response = await get('/api/docs');
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      documents: { name: string; updatedAt: string; bytes: number }[];
    };
    const doc = body.documents.find((d) => d.name === 'meeting-notes');
    expect(doc).toBeDefined();
    expect(doc!.bytes).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(doc!.updatedAt))).toBe(false);
  });

  it('GET /api/docs/:doc gives one document, 404 for an unknown name, 400 for a bad one', async () => {
    const found = await get('/api/docs/meeting-notes');
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ name: 'meeting-notes' });

    const missing = await get('/api/docs/never-written');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'no document named "never-written"' },
    });

    const bad = await get('/api/docs/bad%07name');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_document_name' } });
  });

  it('answers a plain GET of the sync endpoint with 426 and JSON', async () => {
    const response = await get('/sync/meeting-notes');
    expect(response.status).toBe(426);
    expect(await response.json()).toMatchObject({ error: { code: 'upgrade_required' } });
  });

  it('refuses a WebSocket upgrade anywhere but the sync endpoint with a 404', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/docs`);
    // Once 'unexpected-response' is handled, ending the request is ours to do.
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      ws.once('open', () => resolve(101));
    });
    expect(status).toBe(404);
  });

  it('answers in the shapes shared/api.ts defines', async () => {
    DocumentList.parse(await (await get('/api/docs')).json());
    DocumentSummary.parse(await (await get('/api/docs/meeting-notes')).json());
    ServerConfig.parse(await (await get('/api/config')).json());
    const created = await get('/api/docs', { method: 'POST', body: '{"title":"Contract"}' });
    expect(CreatedDocument.parse(await created.json()).title).toBe('Contract');
    ApiErrorBody.parse(await (await get('/api/docs/bad%07')).json());
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    for (const response of [await get('/api/nope'), await get('/api/docs', { method: 'DELETE' })]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});
