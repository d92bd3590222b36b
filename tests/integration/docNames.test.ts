import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../shared/access.ts';
import { DocumentSummary, ShareLink } from '../../shared/api.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SECRET = 'n'.repeat(40);

/** Room names that stock clients use, and names people type. */
const NAMES = [
  'playground/0/main',
  'test-@y/websocket',
  'minutes of the meeting',
  'naïve café',
  '📝 drafts 🚀',
] as const;

let open: TestServer;
let guarded: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  [open, guarded] = await Promise.all([startTestServer(), startTestServer({ authSecret: SECRET })]);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([open.close(), guarded.close()]);
});

function client(server: TestServer, room: string, params: Record<string, string> = {}) {
  const c = connectClient(server.syncUrl, room, { params });
  clients.push(c);
  return c;
}

describe('any room name a client can put in a URL', () => {
  it.each(NAMES)('%j syncs between stock clients and is found by the REST API', async (name) => {
    const writer = client(open, name);
    const reader = client(open, name);
    await Promise.all([writer.firstSync, reader.firstSync]);
    writer.doc.getText('text').insert(0, `in ${name}`);
    await waitForConvergence([writer, reader]);
    expect(open.registry.hasRoom(name)).toBe(true);

    // The API takes the name as one path segment, encoded as the web client encodes it.
    const response = await fetch(`${open.url}/api/docs/${encodeURIComponent(name)}`);
    expect(response.status).toBe(200);
    expect(DocumentSummary.parse(await response.json()).name).toBe(name);
    const { documents } = (await (await fetch(`${open.url}/api/docs`)).json()) as {
      documents: { name: string }[];
    };
    expect(documents.map((d) => d.name)).toContain(name);
  });

  it('names with slashes keep the answers of today’s names: 404 unknown, 400 refused', async () => {
    const missing = await fetch(`${open.url}/api/docs/${encodeURIComponent('no/such/document')}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'not_found', message: 'no document named "no/such/document"' },
    });
    const refused = await fetch(`${open.url}/api/docs/a%2F..%2Fb`);
    expect(refused.status).toBe(400);
    const tooLong = await fetch(`${open.url}/api/docs/${'x'.repeat(513)}`);
    expect(tooLong.status).toBe(400);
    // Unencoded slashes are not a name: the path leads nowhere, as before.
    const raw = await fetch(`${open.url}/api/docs/no/such/document`);
    expect(raw.status).toBe(404);
    expect(await raw.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('POST /api/docs creates a named document and links to its page with the name encoded', async () => {
    const response = await fetch(`${open.url}/api/docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'team/plans @ 2026?' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      name: 'team/plans @ 2026?',
      url: '/d/team%2Fplans%20%40%202026%3F',
    });
    const page = await fetch(`${open.url}/d/team%2Fplans%20%40%202026%3F`);
    expect(page.status).toBe(200);
  });

  it('a prefix token with a slash covers the rooms under it, and share links encode the name', async () => {
    const token = await signToken(SECRET, { sub: 'ada', doc: 'playground/*', role: Role.Write }, 600);
    const member = client(guarded, 'playground/0/main', { token });
    await member.firstSync;

    const share = await fetch(`${guarded.url}/api/share`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ doc: 'playground/0/main', role: Role.Read }),
    });
    expect(share.status).toBe(200);
    const link = ShareLink.parse(await share.json());
    const url = new URL(link.url, guarded.url);
    expect(url.pathname).toBe('/d/playground%2F0%2Fmain');
    const viewer = client(guarded, 'playground/0/main', { token: url.searchParams.get('token')! });
    await viewer.firstSync;

    const outside = await fetch(`${guarded.url}/api/docs/playground`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(outside.status).toBe(403);
  });
});
