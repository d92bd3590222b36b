/**
 * Access tokens: the claims Inkwell's JWTs carry and how they map to documents. Shared so
 * the web client can read its own token's role (the server verifies; the client only reads).
 */
export const Role = {
  Read: 'read',
  Write: 'write',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** What a connection or request may do with a document (one shape for access/ and rooms/). */
export interface Access {
  readonly role: Role;
}

/** True for the two document roles. */
export function isRole(value: unknown): value is Role {
  return value === Role.Read || value === Role.Write;
}

/**
 * The roles a token may carry: a document role, or `admin`, which is for operating the
 * server (`/metrics`, the `/admin` dashboard) and grants no access to any document. Kept
 * apart from `Role` so that nothing that hands out document roles (share links, the
 * client's read-only mode) can hand out or mistake `admin`.
 */
export const TokenRole = { ...Role, Admin: 'admin' } as const;
export type TokenRole = (typeof TokenRole)[keyof typeof TokenRole];

/** True for the roles a token may carry. */
export function isTokenRole(value: unknown): value is TokenRole {
  return isRole(value) || value === TokenRole.Admin;
}

/** HS256 needs a secret at least as long as its hash (RFC 7518 §3.2). */
export const MIN_SECRET_LENGTH = 32;

/** Verified token claims. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Display name. */
  name?: string;
  /** An exact document name, or a prefix ending in `*` (`team-*`, or `*` for all). */
  doc: string;
  role: TokenRole;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** True when a token's `doc` claim covers the document. */
export function docPatternMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * Reads a token's claims WITHOUT verifying it: for the client's UI only (read-only mode,
 * share dialog). Returns null for anything that is not a readable JWT.
 */
export function peekClaims(token: string): Partial<AccessClaims> | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Partial<AccessClaims>) : null;
  } catch {
    return null;
  }
}
