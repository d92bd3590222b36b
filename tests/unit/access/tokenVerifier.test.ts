import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signToken, TokenError, TokenVerifier } from '../../../server/access/TokenVerifier.ts';

const SECRET = 's'.repeat(40);
const claims = { sub: 'u1', doc: 'notes', role: 'write' as const };

async function signedWith(alg: 'EdDSA' | 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const token = await new SignJWT({ doc: 'notes', role: 'read' })
    .setProtectedHeader({ alg })
    .setSubject('u2')
    .setExpirationTime('1h')
    .sign(privateKey);
  return { token, pem: await exportSPKI(publicKey) };
}

describe('TokenVerifier', () => {
  it('accepts its own HS256 tokens and returns their claims', async () => {
    const verifier = new TokenVerifier({ secret: SECRET });
    const verified = await verifier.verify(await signToken(SECRET, { ...claims, name: 'Ada' }, 60));
    expect(verified).toMatchObject({ ...claims, name: 'Ada' });
  });

  it.each(['EdDSA', 'ES256'] as const)(
    'accepts %s tokens signed by the configured public key',
    async (alg) => {
      const { token, pem } = await signedWith(alg);
      const verifier = new TokenVerifier({ secret: SECRET, publicKeyPem: pem });
      expect(await verifier.verify(token)).toMatchObject({ sub: 'u2', doc: 'notes', role: 'read' });
    },
  );

  it('refuses public-key tokens when no public key is configured, or a different one is', async () => {
    const { token } = await signedWith('EdDSA');
    await expect(new TokenVerifier({ secret: SECRET }).verify(token)).rejects.toThrow(TokenError);
    const other = await signedWith('EdDSA');
    await expect(
      new TokenVerifier({ secret: SECRET, publicKeyPem: other.pem }).verify(token),
    ).rejects.toThrow('invalid token');
  });

  it('says why: expired versus invalid', async () => {
    const verifier = new TokenVerifier({ secret: SECRET });
    await expect(verifier.verify(await signToken(SECRET, claims, -5))).rejects.toThrow('token expired');
    await expect(verifier.verify(await signToken('t'.repeat(40), claims, 60))).rejects.toThrow(
      'invalid token',
    );
    await expect(verifier.verify('garbage')).rejects.toThrow('malformed token');
  });

  it('refuses a secret too short for HS256', () => {
    expect(() => new TokenVerifier({ secret: 'short' })).toThrow(/at least 32/);
  });
});
