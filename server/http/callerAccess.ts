import type { Context, MiddlewareHandler } from 'hono';
import {
  Denial,
  type AccessRequest,
  type Authorizer,
  type Caller,
  type Denied,
  type Granted,
} from '../access/authorize.ts';
import { ApiError } from './errors.ts';

/** Routes behind `identifyCaller` find the verified caller in `c.var.caller`. */
export type CallerEnv = { Variables: { caller: Caller } };

/** The request's token: `Authorization: Bearer …`, else `?token=` (a shared link). */
export function tokenOf(c: Context): string | null {
  const header = c.req.header('authorization');
  // An empty token is no token.
  return (header?.startsWith('Bearer ') ? header.slice(7).trim() : c.req.query('token')) || null;
}

/** Answers 401 unless the request carries a valid token (with auth off, everyone passes). */
export function identifyCaller(authorizer: Authorizer): MiddlewareHandler<CallerEnv> {
  return async (c, next) => {
    const identified = await authorizer.identify(tokenOf(c));
    if (identified.kind === 'denied') throw deniedError(identified, null);
    c.set('caller', identified.caller);
    await next();
  };
}

/** The caller `identifyCaller` verified. */
export const callerOf = (c: Context<CallerEnv>): Caller => c.get('caller');

/** The grant, or throws the API's answer to the denial. */
export function granted(decision: Granted | Denied, request: AccessRequest): Granted {
  if (decision.kind === 'denied') throw deniedError(decision, request);
  return decision;
}

/** The API's answer to a denial; `request` words the 403. */
function deniedError(denied: Denied, request: AccessRequest | null): ApiError {
  switch (denied.denial) {
    case Denial.MissingToken:
      return new ApiError(401, 'unauthorized', 'a token is required (Authorization: Bearer <token>)');
    case Denial.InvalidToken:
      return new ApiError(401, 'unauthorized', denied.message);
    case Denial.Forbidden:
      return new ApiError(403, 'forbidden', forbiddenMessage(request));
    default: {
      const unhandled: never = denied.denial;
      throw new Error(`unhandled denial ${String(unhandled)}`);
    }
  }
}

function forbiddenMessage(request: AccessRequest | null): string {
  if (request?.kind === 'create') {
    return 'creating documents needs a write token for a name prefix (doc: "prefix*")';
  }
  if (request?.kind === 'document') {
    return `this token does not allow ${request.role} access to "${request.doc}"`;
  }
  return 'forbidden';
}
