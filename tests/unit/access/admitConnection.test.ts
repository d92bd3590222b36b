import { describe, expect, it } from 'vitest';
import { Role } from '../../../shared/access.ts';
import { CloseCode } from '../../../shared/closeCodes.ts';
import {
  admitConnection,
  type AdmissionPolicy,
  type Handshake,
} from '../../../server/access/admitConnection.ts';
import { Authorizer } from '../../../server/access/authorize.ts';
import { ConnectionLimiter } from '../../../server/access/ConnectionLimiter.ts';
import { signToken, TokenVerifier } from '../../../server/access/TokenVerifier.ts';
import { silentLogger } from '../../../server/logger.ts';

const SECRET = 's'.repeat(40);
const ADDRESS = '203.0.113.7';

const token = (doc: string, role: Role = Role.Write, ttlSeconds = 3600, secret = SECRET) =>
  signToken(secret, { sub: 'ada', doc, role }, ttlSeconds);

const handshake = (path: string, more: Partial<Handshake> = {}): Handshake => ({
  path,
  origin: undefined,
  host: undefined,
  remoteAddress: ADDRESS,
  protocols: [],
  ...more,
});

interface TestPolicy extends AdmissionPolicy {
  connections: ConnectionLimiter;
  shuttingDown: boolean;
  loaded: Set<string>;
}

/** A policy with auth on (unless `auth: false`), room for everyone, and nothing loaded. */
function policy(
  options: {
    auth?: boolean;
    allowedOrigins?: string[];
    allowedHosts?: string[];
    maxConnections?: number;
    maxPerAddress?: number;
    maxLoadedDocuments?: number;
  } = {},
): TestPolicy {
  const loaded = new Set<string>();
  const state: TestPolicy = {
    authorizer: new Authorizer(options.auth === false ? null : new TokenVerifier({ secret: SECRET })),
    allowedOrigins: options.allowedOrigins ?? null,
    browserGuard:
      options.auth === false
        ? { allowedHosts: options.allowedHosts ?? [], allowedOrigins: options.allowedOrigins ?? null }
        : null,
    connections: new ConnectionLimiter(options.maxConnections ?? 100, options.maxPerAddress ?? 10),
    documents: {
      hasRoom: (name) => loaded.has(name),
      get loadedCount() {
        return loaded.size;
      },
    },
    maxLoadedDocuments: options.maxLoadedDocuments ?? 100,
    maxDocNameBytes: 512,
    isShuttingDown: () => state.shuttingDown,
    logger: silentLogger(),
    shuttingDown: false,
    loaded,
  };
  return state;
}

/** True when the policy's limiter still has every slot free for ADDRESS. */
function slotsFree(p: TestPolicy, perAddress: number): boolean {
  const taken: boolean[] = [];
  for (let i = 0; i < perAddress; i++) taken.push(p.connections.tryAcquire(ADDRESS) === 'ok');
  for (let i = 0; i < perAddress; i++) p.connections.release(ADDRESS);
  return taken.every(Boolean);
}

describe('admitting a sync connection', () => {
  it('admits a valid token to its document with the token’s role, until the token expires', async () => {
    const p = policy();
    const admission = await admitConnection(
      handshake(`/sync/notes?token=${await token('notes', Role.Read, 60)}`),
      p,
    );
    expect(admission).toMatchObject({ kind: 'admitted', doc: 'notes', access: { role: Role.Read } });
    if (admission.kind !== 'admitted') return;
    expect(admission.expiresAt).toBeGreaterThan(Date.now());
    // The admitted connection holds its slot.
    expect(slotsFree(p, 10)).toBe(false);
  });

  it('with auth off, admits anyone as a writer that never expires', async () => {
    expect(await admitConnection(handshake('/sync/notes'), policy({ auth: false }))).toEqual({
      kind: 'admitted',
      doc: 'notes',
      access: { role: Role.Write },
      expiresAt: null,
    });
  });

  it('takes the token from a JWT-shaped subprotocol when the query has none', async () => {
    const jwt = await token('notes');
    const admission = await admitConnection(
      handshake('/sync/notes', { protocols: ['other', jwt] }),
      policy(),
    );
    expect(admission.kind).toBe('admitted');
  });

  it('decodes the document name exactly once', async () => {
    const admission = await admitConnection(handshake('/sync/caf%C3%A9'), policy({ auth: false }));
    expect(admission).toMatchObject({ kind: 'admitted', doc: 'café' });
    const plain = await admitConnection(handshake('/sync/a%3Ab'), policy({ auth: false }));
    expect(plain).toMatchObject({ kind: 'admitted', doc: 'a:b' });
    const twice = await admitConnection(handshake('/sync/a%252Fb'), policy({ auth: false }));
    expect(twice).toMatchObject({ kind: 'admitted', doc: 'a%2Fb' });
  });

  it.each([
    ['/sync/playground/0/main', 'playground/0/main'],
    ['/sync/test-@y/websocket?token=x', 'test-@y/websocket'],
    ['/sync/minutes%20of%20the%20meeting', 'minutes of the meeting'],
    ['/sync/%F0%9F%93%9D%20drafts', '📝 drafts'],
  ])('takes the whole path after /sync/ as the name: %s', async (path, doc) => {
    expect(await admitConnection(handshake(path), policy({ auth: false }))).toMatchObject({
      kind: 'admitted',
      doc,
    });
  });

  it('a prefix token covers names with slashes under its prefix', async () => {
    const jwt = await token('playground/*');
    const p = policy();
    expect((await admitConnection(handshake(`/sync/playground/0/main?token=${jwt}`), p)).kind).toBe(
      'admitted',
    );
    expect(await admitConnection(handshake(`/sync/playgroundX?token=${jwt}`), p)).toMatchObject({
      kind: 'refused',
      code: CloseCode.Forbidden,
    });
  });
});

describe('refusing a sync connection', () => {
  const refusals: [string, () => Promise<Handshake>, (p: TestPolicy) => void, number, RegExp][] = [
    [
      'a malformed request path',
      async () => handshake('//'),
      () => {},
      CloseCode.BadDocumentName,
      /malformed/,
    ],
    ['an empty name', async () => handshake('/sync/'), () => {}, CloseCode.BadDocumentName, /empty/],
    [
      'a control character',
      async () => handshake('/sync/bell%07ring'),
      () => {},
      CloseCode.BadDocumentName,
      /control/,
    ],
    [
      'a ".." segment, sent as it is (URL parsers would have removed it)',
      async () => handshake('/sync/a/../b'),
      () => {},
      CloseCode.BadDocumentName,
      /segment/,
    ],
    ['an overlong name', async () => handshake(`/sync/${'x'.repeat(513)}`), () => {}, 4400, /longer/],
    ['broken percent-encoding', async () => handshake('/sync/%E0%A4%A'), () => {}, 4400, /percent/],
    [
      'a server shutting down',
      async () => handshake(`/sync/notes?token=${await token('notes')}`),
      (p) => (p.shuttingDown = true),
      CloseCode.ServiceRestart,
      /shutting down/,
    ],
    ['no token', async () => handshake('/sync/notes'), () => {}, CloseCode.Unauthorized, /missing token/],
    ['a malformed token', async () => handshake('/sync/notes?token=a.b.c'), () => {}, 4401, /malformed/],
    [
      'an expired token',
      async () => handshake(`/sync/notes?token=${await token('notes', Role.Write, -10)}`),
      () => {},
      CloseCode.Unauthorized,
      /token expired/,
    ],
    [
      'a token signed with another secret',
      async () => handshake(`/sync/notes?token=${await token('notes', Role.Write, 60, 'x'.repeat(40))}`),
      () => {},
      CloseCode.Unauthorized,
      /invalid token/,
    ],
    [
      'a token for another document',
      async () => handshake(`/sync/notes?token=${await token('other')}`),
      () => {},
      CloseCode.Forbidden,
      /not for this document/,
    ],
    [
      'a prefix token that does not cover the document',
      async () => handshake(`/sync/notes?token=${await token('team-*')}`),
      () => {},
      CloseCode.Forbidden,
      /not for this document/,
    ],
  ];

  it.each(refusals)('%s', async (_label, makeHandshake, arrange, code, reason) => {
    const p = policy();
    arrange(p);
    const admission = await admitConnection(await makeHandshake(), p);
    expect(admission).toMatchObject({ kind: 'refused', code });
    if (admission.kind === 'refused') expect(admission.reason).toMatch(reason);
    // A refused connection holds no slot.
    expect(slotsFree(p, 10)).toBe(true);
  });

  it('a browser from a foreign origin, but not one from a listed origin or a non-browser', async () => {
    const p = policy({ auth: false, allowedOrigins: ['https://docs.example.com'] });
    expect(await admitConnection(handshake('/sync/notes', { origin: 'https://evil.example' }), p)).toEqual({
      kind: 'refused',
      code: CloseCode.Forbidden,
      reason: 'origin not allowed',
    });
    expect(
      (await admitConnection(handshake('/sync/notes', { origin: 'https://docs.example.com' }), p)).kind,
    ).toBe('admitted');
    expect((await admitConnection(handshake('/sync/notes'), p)).kind).toBe('admitted');
  });

  it('with auth off, a page on another site or a host name not served (DNS rebinding); this server’s own pages and this machine’s are let in', async () => {
    const p = policy({ auth: false, allowedHosts: ['inkwell.acme.com'] });
    const admitted = async (more: Partial<Handshake>) =>
      (await admitConnection(handshake('/sync/notes', more), p)).kind === 'admitted';
    expect(await admitted({ host: '127.0.0.1:3000', origin: 'https://evil.example' })).toBe(false);
    expect(await admitted({ host: '127.0.0.1:3000', origin: 'null' })).toBe(false);
    expect(await admitConnection(handshake('/sync/notes', { host: 'rebind.evil.example:3000' }), p)).toEqual({
      kind: 'refused',
      code: CloseCode.Forbidden,
      reason: 'host not allowed: add it to ALLOWED_HOSTS',
    });
    expect(await admitted({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' })).toBe(true);
    expect(await admitted({ host: '192.168.1.20:3000', origin: 'http://192.168.1.20:3000' })).toBe(true);
    expect(await admitted({ host: '[::1]:3000', origin: 'http://localhost:5173' })).toBe(true);
    expect(await admitted({ host: 'Inkwell.Acme.COM', origin: 'https://inkwell.acme.com' })).toBe(true);
    expect(await admitted({ host: 'localhost:3000' })).toBe(true);
    // Names nobody can hold on the public internet: a teammate's machine on the office network.
    for (const host of [
      'office-pc:3000',
      'notes.lan',
      'nas.local',
      'wiki.home.arpa',
      'inkwell-lan.test:80',
    ]) {
      expect(await admitted({ host, origin: `http://${host}` })).toBe(true);
    }
    expect(await admitted({ host: 'inkwell.acme.org' })).toBe(false);
    // With auth on, tokens decide: neither rule applies.
    const withAuth = policy();
    const claims = await token('notes');
    expect(
      (
        await admitConnection(
          handshake(`/sync/notes?token=${claims}`, {
            host: 'rebind.evil.example',
            origin: 'https://app.example',
          }),
          withAuth,
        )
      ).kind,
    ).toBe('admitted');
  });

  it('the connection past the per-address limit, retryably; other addresses still get in', async () => {
    const p = policy({ auth: false, maxPerAddress: 2 });
    for (let i = 0; i < 2; i++)
      expect((await admitConnection(handshake('/sync/notes'), p)).kind).toBe('admitted');
    expect(await admitConnection(handshake('/sync/notes'), p)).toEqual({
      kind: 'refused',
      code: CloseCode.RateLimited,
      reason: 'too many connections from this address',
    });
    expect((await admitConnection(handshake('/sync/notes', { remoteAddress: '198.51.100.1' }), p)).kind).toBe(
      'admitted',
    );
    p.connections.release(ADDRESS);
    expect((await admitConnection(handshake('/sync/notes'), p)).kind).toBe('admitted');
  });

  it('the connection past the server’s total limit, with try-again-later', async () => {
    const p = policy({ auth: false, maxConnections: 1 });
    expect((await admitConnection(handshake('/sync/notes'), p)).kind).toBe('admitted');
    expect(await admitConnection(handshake('/sync/notes', { remoteAddress: '198.51.100.1' }), p)).toEqual({
      kind: 'refused',
      code: CloseCode.TryAgainLater,
      reason: 'server is at its connection limit',
    });
  });

  it('a document past the open-document limit, but not one already open', async () => {
    const p = policy({ maxLoadedDocuments: 1 });
    p.loaded.add('open-doc');
    expect(await admitConnection(handshake(`/sync/notes?token=${await token('*')}`), p)).toEqual({
      kind: 'refused',
      code: CloseCode.TryAgainLater,
      reason: 'too many open documents',
    });
    expect(slotsFree(p, 10)).toBe(true);
    expect((await admitConnection(handshake(`/sync/open-doc?token=${await token('*')}`), p)).kind).toBe(
      'admitted',
    );
  });

  it('checks in order: name, shutdown, origin, limits, token, document, open documents', async () => {
    const p = policy({ allowedOrigins: ['https://ok.example'], maxPerAddress: 1, maxLoadedDocuments: 0 });
    p.shuttingDown = true;
    p.connections.tryAcquire(ADDRESS);
    const everythingWrong = (path: string) => handshake(path, { origin: 'https://evil.example' });
    const codes: number[] = [];
    const next = async (path: string, fix: () => void) => {
      const admission = await admitConnection(everythingWrong(path), p);
      if (admission.kind === 'refused') codes.push(admission.code);
      fix();
    };
    await next('/sync/bad%00', () => {});
    await next('/sync/notes', () => (p.shuttingDown = false));
    await next('/sync/notes', () => (p.allowedOrigins = null));
    await next('/sync/notes', () => p.connections.release(ADDRESS));
    await next('/sync/notes', () => {});
    await next(`/sync/notes?token=${await token('other')}`, () => {});
    await next(`/sync/notes?token=${await token('notes')}`, () => {});
    expect(codes).toEqual([
      CloseCode.BadDocumentName,
      CloseCode.ServiceRestart,
      CloseCode.Forbidden,
      CloseCode.RateLimited,
      CloseCode.Unauthorized,
      CloseCode.Forbidden,
      CloseCode.TryAgainLater,
    ]);
  });
});
