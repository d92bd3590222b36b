import { describe, expect, it } from 'vitest';
import { Role } from '../../../shared/access.ts';
import { Authorizer, Denial, permit, type Caller } from '../../../server/access/authorize.ts';
import { signToken, TokenVerifier } from '../../../server/access/TokenVerifier.ts';

const SECRET = 's'.repeat(40);
const authorizer = new Authorizer(new TokenVerifier({ secret: SECRET }));
const token = (doc: string, role: Role = Role.Write, ttlSeconds = 3600) =>
  signToken(SECRET, { sub: 'ada', doc, role }, ttlSeconds);
const caller = (scope: string, role: Role): Caller => ({ subject: 'ada', scope, role, expiresAt: null });
const read = (doc: string) => ({ kind: 'document', doc, role: Role.Read }) as const;
const write = (doc: string) => ({ kind: 'document', doc, role: Role.Write }) as const;

describe('authorize: one token, one request', () => {
  it('grants a document its token names, with the token’s role and expiry', async () => {
    const decision = await authorizer.authorize(await token('notes', Role.Read, 60), read('notes'));
    expect(decision).toMatchObject({
      kind: 'granted',
      access: { role: Role.Read },
      caller: { subject: 'ada' },
    });
    if (decision.kind !== 'granted') return;
    expect(decision.caller.expiresAt).toBeGreaterThan(Date.now());
    expect(decision.caller.expiresAt).toBeLessThanOrEqual(Date.now() + 61_000);
  });

  it.each([
    ['no token', null, Denial.MissingToken, 'missing token'],
    ['an empty token', '', Denial.InvalidToken, 'malformed token'],
    ['a malformed token', 'not.a.jwt', Denial.InvalidToken, 'malformed token'],
  ])('refuses %s', async (_label, jwt, denial, message) => {
    expect(await authorizer.authorize(jwt, read('notes'))).toEqual({ kind: 'denied', denial, message });
  });

  it('refuses an expired token, saying so', async () => {
    expect(await authorizer.authorize(await token('notes', Role.Write, -10), read('notes'))).toEqual({
      kind: 'denied',
      denial: Denial.InvalidToken,
      message: 'token expired',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const foreign = await signToken('x'.repeat(40), { sub: 'eve', doc: 'notes', role: Role.Write }, 60);
    expect(await authorizer.authorize(foreign, read('notes'))).toMatchObject({ denial: Denial.InvalidToken });
  });

  it('refuses a token for another document, or a prefix that does not cover it', async () => {
    expect(await authorizer.authorize(await token('other'), read('notes'))).toMatchObject({
      denial: Denial.Forbidden,
    });
    expect(await authorizer.authorize(await token('team-*'), read('notes'))).toMatchObject({
      denial: Denial.Forbidden,
    });
  });

  it('with auth off, anyone may write anything, token or not', async () => {
    const open = new Authorizer(null);
    expect(open.tokensRequired).toBe(false);
    expect(await open.authorize(null, write('notes'))).toMatchObject({
      kind: 'granted',
      access: { role: Role.Write },
      caller: { subject: null, scope: '*', expiresAt: null },
    });
    expect(await open.authorize('garbage', { kind: 'create' })).toMatchObject({ kind: 'granted' });
  });
});

describe('permit: the rule', () => {
  it('a reader may read but not write; a writer may do both', () => {
    expect(permit(caller('notes', Role.Read), read('notes')).kind).toBe('granted');
    expect(permit(caller('notes', Role.Read), write('notes'))).toMatchObject({ denial: Denial.Forbidden });
    expect(permit(caller('notes', Role.Write), write('notes')).kind).toBe('granted');
  });

  it('a prefix covers the names under it, and * covers every name', () => {
    expect(permit(caller('team-*', Role.Read), read('team-plans')).kind).toBe('granted');
    expect(permit(caller('team-*', Role.Read), read('other-plans')).kind).toBe('denied');
    expect(permit(caller('*', Role.Read), read('anything')).kind).toBe('granted');
  });

  it('creating documents needs a write token for a prefix', () => {
    expect(permit(caller('team-*', Role.Write), { kind: 'create' }).kind).toBe('granted');
    expect(permit(caller('team-*', Role.Read), { kind: 'create' }).kind).toBe('denied');
    expect(permit(caller('one-doc', Role.Write), { kind: 'create' }).kind).toBe('denied');
  });

  it('every connection of a role shares one access object', () => {
    const a = permit(caller('x', Role.Read), read('x'));
    const b = permit(caller('*', Role.Read), read('y'));
    expect(a.kind === 'granted' && b.kind === 'granted' && a.access === b.access).toBe(true);
  });
});
