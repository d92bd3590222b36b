import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/closeCodes.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

/** A GET with the Host header a browser sends for the name it used. */
function getWithHost(
  server: TestServer,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${server.url}${path}`, { headers: { host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

const createDoc = (server: TestServer, name: string, origin?: string) =>
  fetch(`${server.url}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ name, content: { format: 'markdown', text: 'planted' } }),
  });

describe('with auth off, pages on other sites cannot use the visitor’s browser', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ allowedHosts: ['docs.acme.com'] });
  });
  afterAll(() => server.close());

  it('a cross-site request cannot create a document; the server’s own pages and this machine’s can', async () => {
    const forged = await createDoc(server, 'planted', 'https://evil.example');
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
    expect((await fetch(`${server.url}/api/docs/planted`)).status).toBe(404);

    expect((await createDoc(server, 'from-the-app', server.url)).status).toBe(201);
    expect((await createDoc(server, 'from-a-dev-server', 'http://localhost:5173')).status).toBe(201);
    expect((await createDoc(server, 'from-a-script')).status).toBe(201);
  });

  it('a name the server does not answer to (DNS rebinding) reads nothing; its own names and ALLOWED_HOSTS do', async () => {
    const port = new URL(server.url).port;
    const rebound = await getWithHost(server, '/api/docs', `rebind.evil.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('ALLOWED_HOSTS');
    expect((await getWithHost(server, '/api/docs', `localhost:${port}`)).status).toBe(200);
    expect((await getWithHost(server, '/api/docs', `docs.acme.com:${port}`)).status).toBe(200);
    // Probes keep working whatever name they use.
    expect(
      (await getWithHost(server, '/healthz', 'inkwell-0.inkwell.default.svc.cluster.example')).status,
    ).toBe(200);
  });

  it('a sync socket from another site is closed with 4403; one from this machine’s pages syncs', async () => {
    const foreign = openRawSocket(`${server.syncUrl}/notes`, { origin: 'https://evil.example' });
    expect((await foreign.closed).code).toBe(CloseCode.Forbidden);
    const rebound = openRawSocket(`${server.syncUrl}/notes`, { headers: { host: 'rebind.evil.example' } });
    expect((await rebound.closed).code).toBe(CloseCode.Forbidden);

    const local = openRawSocket(`${server.syncUrl}/notes`, { origin: 'http://localhost:5173' });
    await local.opened;
    await waitFor(() => local.frames.length > 0, 'the local page to be served');
    local.ws.close();
  });
});
