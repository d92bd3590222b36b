import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { MAX_DOC_NAME_BYTES_CEILING } from '../../shared/docName.ts';
import { MIN_SECRET_LENGTH, TokenRole, type AccessClaims } from '../../shared/access.ts';

/** Why a token was refused. The message is safe to show the client. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  name: z.string().max(100).optional(),
  doc: z
    .string()
    .min(1)
    // A name or a prefix and its `*`; UTF-16 units never outnumber UTF-8 bytes.
    .max(MAX_DOC_NAME_BYTES_CEILING + 1),
  role: z.enum(TokenRole),
  exp: z.number().int(),
});

interface TokenVerifierOptions {
  /** Shared secret for HS256. */
  secret: string;
  /** Optional PEM public key (SPKI) for ES256 or EdDSA tokens minted elsewhere. */
  publicKeyPem?: string;
}

/** Verifies Inkwell access tokens (JWTs) into claims. */
export class TokenVerifier {
  private readonly secret: Uint8Array;
  private readonly publicKey: KeyObject | null;
  private readonly publicAlgorithms: string[];

  constructor(options: TokenVerifierOptions) {
    if (options.secret.length < MIN_SECRET_LENGTH) {
      throw new Error(`AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    this.secret = new TextEncoder().encode(options.secret);
    this.publicKey = options.publicKeyPem ? createPublicKey(options.publicKeyPem) : null;
    this.publicAlgorithms =
      this.publicKey === null ? [] : this.publicKey.asymmetricKeyType === 'ed25519' ? ['EdDSA'] : ['ES256'];
  }

  /** Verifies signature, expiry and claim shapes. Throws `TokenError`. */
  async verify(token: string): Promise<AccessClaims> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw new TokenError('malformed token');
    }
    const key =
      algorithm === 'HS256'
        ? this.secret
        : this.publicAlgorithms.includes(algorithm ?? '')
          ? this.publicKey
          : null;
    if (key === null)
      throw new TokenError(`tokens signed with ${algorithm ?? 'no algorithm'} are not accepted`);
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: algorithm === 'HS256' ? ['HS256'] : this.publicAlgorithms,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new TokenError(code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'invalid token');
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw new TokenError('token claims are invalid');
    return parsed.data as AccessClaims;
  }
}

/** Mints an HS256 token (the CLI and the share endpoint use this). */
export function signToken(
  secret: string,
  claims: { sub: string; name?: string; doc: string; role: TokenRole },
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ doc: claims.doc, role: claims.role, ...(claims.name ? { name: claims.name } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
