import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { operates, type Authorizer } from '../access/authorize.ts';
import { tokenOf } from './callerAccess.ts';
import { ApiError } from './errors.ts';

const sameSecret = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.byteLength === right.byteLength && timingSafeEqual(left, right);
};

/**
 * Lets through callers who may operate the server: everyone when auth is off; with auth on,
 * an `admin` token, or `scrapeToken` (METRICS_TOKEN, Prometheus's `bearer_token`) where
 * it is accepted.
 */
export function requireOperator(authorizer: Authorizer, scrapeToken: string | null): MiddlewareHandler {
  return async (c, next) => {
    const token = tokenOf(c);
    if (token !== null && scrapeToken !== null && sameSecret(token, scrapeToken)) return next();
    const identified = await authorizer.identify(token);
    if (identified.kind === 'denied') {
      throw new ApiError(401, 'unauthorized', 'an admin token is required (Authorization: Bearer <token>)');
    }
    if (!operates(identified.caller)) {
      throw new ApiError(
        403,
        'forbidden',
        'this needs a token with the admin role (npm run token -- --role admin)',
      );
    }
    return next();
  };
}
