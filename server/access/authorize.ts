import { docPatternMatches, Role, TokenRole, type Access } from '../../shared/access.ts';
import { TokenError, type TokenVerifier } from './TokenVerifier.ts';

/** Shared, frozen: every connection of one role holds the same object. */
const ACCESS: Record<Role, Access> = {
  [Role.Read]: Object.freeze({ role: Role.Read }),
  [Role.Write]: Object.freeze({ role: Role.Write }),
};

/** Who is asking: the holder of a verified token, or anyone when auth is off. */
export interface Caller {
  /** The token's subject; null when auth is off. */
  readonly subject: string | null;
  /** The documents the caller may reach: a name, or a prefix ending in `*`. */
  readonly scope: string;
  readonly role: TokenRole;
  /** When the caller's token expires (ms since the epoch); null when auth is off. */
  readonly expiresAt: number | null;
}

/** With auth off, everyone may write every document. */
const ANYONE: Caller = Object.freeze({ subject: null, scope: '*', role: Role.Write, expiresAt: null });

/** What a caller asks to do. */
export type AccessRequest =
  /** Open or change one document, with at least `role`. */
  | { kind: 'document'; doc: string; role: Role }
  /** Create documents: only inside the caller's prefix, with a write token. */
  | { kind: 'create' };

export const Denial = {
  MissingToken: 'missing-token',
  InvalidToken: 'invalid-token',
  Forbidden: 'forbidden',
} as const;
export type Denial = (typeof Denial)[keyof typeof Denial];

export type Granted = { kind: 'granted'; access: Access; caller: Caller };
/** `message` is safe to show the client (for an invalid token, what was wrong with it). */
export type Denied = { kind: 'denied'; denial: Denial; message: string };
type Identified = { kind: 'identified'; caller: Caller };

/** True when the caller may see the document at all (the document list uses this). */
export function covers(caller: Caller, doc: string): boolean {
  // An admin token operates the server; it opens no document, whatever its `doc` says.
  return caller.role !== TokenRole.Admin && docPatternMatches(caller.scope, doc);
}

/** True when the caller may operate the server: metrics and the dashboard's stats. */
export function operates(caller: Caller): boolean {
  // With auth off everyone may do everything, as with documents.
  return caller.subject === null || caller.role === TokenRole.Admin;
}

/** The rule, without the token: may this caller do this? */
export function permit(caller: Caller, request: AccessRequest): Granted | Denied {
  let allowed: boolean;
  switch (request.kind) {
    case 'document':
      allowed = covers(caller, request.doc) && (request.role === Role.Read || caller.role === Role.Write);
      break;
    case 'create':
      // New documents are named inside the token's prefix (`team-*` → `team-…`).
      allowed = caller.role === Role.Write && caller.scope.endsWith('*');
      break;
    default: {
      const unhandled: never = request;
      throw new Error(`unhandled access request ${JSON.stringify(unhandled)}`);
    }
  }
  if (!allowed || caller.role === TokenRole.Admin) {
    return { kind: 'denied', denial: Denial.Forbidden, message: 'forbidden' };
  }
  return { kind: 'granted', access: ACCESS[caller.role], caller };
}

/**
 * Decides who presents this token (every entry point: the REST API and sync sockets).
 * `verifier` is null when auth is off: then anyone may do anything, token or not.
 */
export class Authorizer {
  private readonly verifier: TokenVerifier | null;

  constructor(verifier: TokenVerifier | null) {
    this.verifier = verifier;
  }

  /** True when callers must present a token. */
  get tokensRequired(): boolean {
    return this.verifier !== null;
  }

  /** Verifies a token into the caller it names. */
  async identify(token: string | null): Promise<Identified | Denied> {
    if (this.verifier === null) return { kind: 'identified', caller: ANYONE };
    if (token === null) {
      return { kind: 'denied', denial: Denial.MissingToken, message: 'missing token' };
    }
    try {
      const claims = await this.verifier.verify(token);
      const caller = {
        subject: claims.sub,
        scope: claims.doc,
        role: claims.role,
        expiresAt: claims.exp * 1000,
      };
      return { kind: 'identified', caller };
    } catch (error) {
      const message = error instanceof TokenError ? error.message : 'invalid token';
      return { kind: 'denied', denial: Denial.InvalidToken, message };
    }
  }

  /** This token, this request: the access it grants, or why not. */
  async authorize(token: string | null, request: AccessRequest): Promise<Granted | Denied> {
    const identified = await this.identify(token);
    return identified.kind === 'denied' ? identified : permit(identified.caller, request);
  }
}
