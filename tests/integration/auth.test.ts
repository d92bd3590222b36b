import { decodeJwt } from 'jose';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Role } from '../../shared/access.ts';
import { ShareLink } from '../../shared/api.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import { decodeMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../shared/protocol.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient, waitForConvergence } from '../helpers/clients.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
let server: TestServer;

const token = (doc: string, role: Role = Role.Write, ttlSeconds = 3600, secret = SECRET) =>
  signToken(secret, { sub: 'user-1', name: 'Ada', doc, role }, ttlSeconds);

beforeAll(async () => {
  server = await startTestServer({ authSecret: SECRET });
});

afterAll(() => server.close());

async function closeCodeFor(url: string) {
  return (await openRawSocket(url).closed).code;
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('sync handshake in auth mode', () => {
  it.each([
    ['no token', async () => ''],
    ['a malformed token', async () => '?token=not.a.jwt'],
    [
      'a token signed with another secret',
      async () => `?token=${await token('doc', 'write', 3600, 'x'.repeat(40))}`,
    ],
    ['an expired token', async () => `?token=${await token('doc', 'write', -10)}`],
    [
      'an unsigned token (alg none)',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
        const body = Buffer.from(JSON.stringify({ sub: 'x', doc: 'doc', role: 'write', exp: 9e9 })).toString(
          'base64url',
        );
        return `?token=${header}.${body}.`;
      },
    ],
    [
      'a token without a role',
      async () =>
        `?token=${await new SignJWT({ doc: 'doc' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('x')
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(SECRET))}`,
    ],
  ])('%s is closed with 4401 before the document loads', async (_label, query) => {
    const code = await closeCodeFor(`${server.syncUrl}/doc${await query()}`);
    expect(code).toBe(CloseCode.Unauthorized);
    expect(server.registry.loadedCount).toBe(0);
  });

  it('a valid token for another document is closed with 4403', async () => {
    expect(await closeCodeFor(`${server.syncUrl}/doc?token=${await token('other')}`)).toBe(
      CloseCode.Forbidden,
    );
    expect(await closeCodeFor(`${server.syncUrl}/doc?token=${await token('team-*')}`)).toBe(
      CloseCode.Forbidden,
    );
  });

  it('a prefix token opens every document under its prefix', async () => {
    const teamToken = await token('team-*');
    const clients = ['team-plans', 'team-notes'].map((doc) =>
      connectClient(server.syncUrl, doc, { params: { token: teamToken } }),
    );
    await Promise.all(clients.map((c) => c.firstSync));
    expect(clients.map((c) => c.provider.synced)).toEqual([true, true]);
    expect(server.registry.hasRoom('team-plans') && server.registry.hasRoom('team-notes')).toBe(true);
    for (const c of clients) c.destroy();
  });

  it('accepts the token as a WebSocket subprotocol and echoes it back', async () => {
    const jwt = await token('proto-doc');
    const ws = new WebSocket(`${server.syncUrl}/proto-doc`, [jwt]);
    const first = await new Promise<Uint8Array>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(new Uint8Array(data)));
      ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    });
    expect(ws.protocol).toBe(jwt);
    expect(decodeMessage(first).type).toBe('sync-step-1');
    ws.close();
  });

  it('closes a session with 4401 when its token expires', async () => {
    const client = connectClient(server.syncUrl, 'short', {
      params: { token: await token('short', 'write', 2) },
    });
    const codes: number[] = [];
    client.provider.on('connection-close', (event: CloseEvent | null) => event && codes.push(event.code));
    await client.firstSync;
    await waitFor(() => codes.length > 0, 'the expiry close', 10_000);
    expect(codes[0]).toBe(CloseCode.Unauthorized);
    client.destroy();
  });
});

describe('read-only sessions', () => {
  it('a reader syncs and shows presence, but cannot change the document, even with handcrafted frames', async () => {
    const writer = connectClient(server.syncUrl, 'shared', { params: { token: await token('shared') } });
    await writer.firstSync;
    writer.doc.getText('text').insert(0, 'Only writers write.');
    writer.provider.awareness.setLocalStateField('user', { name: 'Writer' });

    const reader = connectClient(server.syncUrl, 'shared', {
      params: { token: await token('shared', 'read') },
    });
    await reader.firstSync;
    await waitForConvergence([writer, reader]);
    reader.provider.awareness.setLocalStateField('user', { name: 'Reader' });
    await waitFor(
      () => [...writer.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Reader'),
      'the reader to appear to the writer',
    );

    // The editor path: a local edit in the reader's document is never accepted.
    reader.doc.getText('text').insert(0, 'VANDAL ');
    // The handcrafted path: raw update and step 2 frames with a read token.
    const raw = openRawSocket(`${server.syncUrl}/shared?token=${await token('shared', 'read')}`);
    await raw.opened;
    raw.ws.send(encodeSyncUpdate(textUpdate('EVIL ')));
    raw.ws.send(encodeSyncStep2(textUpdate('WORSE ')));
    raw.ws.send(encodeSyncStep1(Uint8Array.of(0)));
    await waitFor(
      () => raw.frames.some((f) => decodeMessage(f).type === 'sync-step-2'),
      'the reader to still be served',
    );
    const denied = raw.frames.map(decodeMessage).filter((m) => m.type === 'auth-denied');
    expect(denied).toHaveLength(1);

    writer.doc.getText('text').insert(writer.text().length, ' Still writing.');
    await waitFor(() => reader.text().includes('Still writing.'), 'the reader to keep receiving');
    expect(writer.text()).toBe('Only writers write. Still writing.');

    const check = connectClient(server.syncUrl, 'shared', { params: { token: await token('shared') } });
    await check.firstSync;
    expect(check.text()).toBe('Only writers write. Still writing.');
    for (const c of [writer, reader, check]) c.destroy();
    raw.ws.close();
  });
});

describe('HTTP API in auth mode', () => {
  const api = (path: string, init: RequestInit = {}, jwt?: string) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
    });

  it('says auth is on, and lists nothing without a token', async () => {
    expect(await (await api('/api/config')).json()).toEqual({ auth: true });
    const response = await api('/api/docs');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('creates documents inside a write token’s prefix and lists only what the token covers', async () => {
    const teamToken = await token('acme-*');
    const created = (await (
      await api('/api/docs', { method: 'POST', body: '{"title":"Roadmap"}' }, teamToken)
    ).json()) as {
      name: string;
    };
    expect(created.name.startsWith('acme-')).toBe(true);
    const listed = (await (await api('/api/docs', {}, teamToken)).json()) as {
      documents: { name: string }[];
    };
    expect(listed.documents.map((d) => d.name)).toEqual([created.name]);

    expect(
      (await api('/api/docs', { method: 'POST', body: '{}' }, await token('acme-*', 'read'))).status,
    ).toBe(403);
    expect((await api('/api/docs', { method: 'POST', body: '{}' }, await token('one-doc'))).status).toBe(403);
    expect((await api(`/api/docs/${created.name}`, {}, await token('other-*'))).status).toBe(403);
  });

  it('POST /api/share turns a write token into a working view-only link', async () => {
    const writerToken = await token('memo');
    const writer = connectClient(server.syncUrl, 'memo', { params: { token: writerToken } });
    await writer.firstSync;
    writer.doc.getText('text').insert(0, 'Shared memo');
    const share = await api(
      '/api/share',
      { method: 'POST', body: JSON.stringify({ doc: 'memo', role: 'read' }) },
      writerToken,
    );
    expect(share.status).toBe(200);
    const link = ShareLink.parse(await share.json());
    expect(link.role).toBe('read');
    expect(link.url).toBe(`/d/memo?token=${link.token}`);

    const viewer = connectClient(server.syncUrl, 'memo', { params: { token: link.token } });
    await viewer.firstSync;
    await waitForConvergence([writer, viewer]);
    viewer.doc.getText('text').insert(0, 'nope ');
    const check = connectClient(server.syncUrl, 'memo', { params: { token: writerToken } });
    await check.firstSync;
    expect(check.text()).toBe('Shared memo');

    const fromReader = await api(
      '/api/share',
      { method: 'POST', body: JSON.stringify({ doc: 'memo', role: 'write' }) },
      link.token,
    );
    expect(fromReader.status).toBe(403);
    for (const c of [writer, viewer, check]) c.destroy();
  });

  it('share links never outlive the token that made them, whatever lifetime is asked for', async () => {
    const shortToken = await token('contract-*', Role.Write, 60);
    const share = await api(
      '/api/share',
      {
        method: 'POST',
        body: JSON.stringify({ doc: 'contract-a', role: 'write', ttlSeconds: 30 * 24 * 3600 }),
      },
      shortToken,
    );
    expect(share.status).toBe(200);
    const link = ShareLink.parse(await share.json());
    const madeBy = decodeJwt(shortToken).exp!;
    expect(decodeJwt(link.token).exp).toBeLessThanOrEqual(madeBy);
    expect(Date.parse(link.expiresAt)).toBeLessThanOrEqual(madeBy * 1000);
    // Nor does one made from that link.
    const again = ShareLink.parse(
      await (
        await api(
          '/api/share',
          {
            method: 'POST',
            body: JSON.stringify({ doc: 'contract-a', role: 'write', ttlSeconds: 30 * 24 * 3600 }),
          },
          link.token,
        )
      ).json(),
    );
    expect(decodeJwt(again.token).exp).toBeLessThanOrEqual(madeBy);
  });
});

describe('origins', () => {
  it('refuses browser handshakes from other origins with 4403 and accepts listed ones', async () => {
    const guarded = await startTestServer({ allowedOrigins: ['https://docs.example.com'] });
    try {
      const foreign = openRawSocket(`${guarded.syncUrl}/doc`, { origin: 'https://evil.example' });
      expect((await foreign.closed).code).toBe(CloseCode.Forbidden);
      const allowed = openRawSocket(`${guarded.syncUrl}/doc`, { origin: 'https://docs.example.com' });
      await allowed.opened;
      await waitFor(() => allowed.frames.length > 0, 'the allowed origin to be served');
      allowed.ws.close();
    } finally {
      await guarded.close();
    }
  });

  it('answers POST /api/share with 400 when auth is off', async () => {
    const open = await startTestServer();
    try {
      const response = await fetch(`${open.url}/api/share`, {
        method: 'POST',
        body: '{"doc":"x","role":"read"}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'auth_disabled' } });
      // Whatever the body: the answer is about the mode, not the request.
      const anyBody = await fetch(`${open.url}/api/share`, { method: 'POST', body: 'not json' });
      expect(await anyBody.json()).toMatchObject({ error: { code: 'auth_disabled' } });
    } finally {
      await open.close();
    }
  });
});
