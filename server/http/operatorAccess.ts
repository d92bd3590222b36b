import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { operates, type Authorizer } from '../access/authorize.ts';
import { tokenOf } from './callerAccess.ts';
import { ApiError } from './errors.ts';

const sameSecret = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.byteLength === right.byteLength && timingSafeEqual(left, right);
};

/** Whether a caller may operate the server, and if not, whether it showed a valid token at all. */
type OperatorCheck = 'operator' | 'unidentified' | 'not-admin';

/**
 * Everyone operates when auth is off; with auth on, an `admin` token does, and so does
 * `scrapeToken` (METRICS_TOKEN, Prometheus's `bearer_token`) where it is accepted.
 */
async function checkOperator(
  c: Context,
  authorizer: Authorizer,
  scrapeToken: string | null,
): Promise<OperatorCheck> {
  const token = tokenOf(c);
  if (token !== null && scrapeToken !== null && sameSecret(token, scrapeToken)) return 'operator';
  const identified = await authorizer.identify(token);
  if (identified.kind === 'denied') return 'unidentified';
  return operates(identified.caller) ? 'operator' : 'not-admin';
}

/** For open endpoints that tell operators more than everyone else (`/readyz`'s detail). */
export async function isOperator(
  c: Context,
  authorizer: Authorizer,
  scrapeToken: string | null,
): Promise<boolean> {
  return (await checkOperator(c, authorizer, scrapeToken)) === 'operator';
}

/** Lets through callers who may operate the server (see checkOperator); refuses the rest. */
export function requireOperator(authorizer: Authorizer, scrapeToken: string | null): MiddlewareHandler {
  return async (c, next) => {
    const check = await checkOperator(c, authorizer, scrapeToken);
    if (check === 'unidentified') {
      throw new ApiError(401, 'unauthorized', 'an admin token is required (Authorization: Bearer <token>)');
    }
    if (check === 'not-admin') {
      throw new ApiError(
        403,
        'forbidden',
        'this needs a token with the admin role (npm run token -- --role admin)',
      );
    }
    return next();
  };
}
