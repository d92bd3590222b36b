import type { Hono, MiddlewareHandler } from 'hono';
import { hostAllowed, originAllowed, type BrowserGuard } from '../access/browserGuard.ts';
import type { CallerEnv } from './callerAccess.ts';
import { ApiError } from './errors.ts';

/** Methods that change something: what a cross-site form or fetch could make a browser send. */
const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * With auth off, serves documents and images only under names this server answers to, and
 * takes changes only from its own pages and this machine's (access/browserGuard.ts says
 * why). Registered before every route. Health and metrics stay open to probes.
 */
export function guardBrowserRequests(app: Hono<CallerEnv>, guard: BrowserGuard): void {
  const check: MiddlewareHandler<CallerEnv> = async (c, next) => {
    const host = c.req.header('host');
    if (!hostAllowed(guard, host)) {
      throw new ApiError(
        403,
        'host_not_allowed',
        `this server does not answer to ${host}: add it to ALLOWED_HOSTS`,
      );
    }
    if (CHANGING.has(c.req.method) && !originAllowed(guard, c.req.header('origin'), host)) {
      throw new ApiError(
        403,
        'cross_site_request',
        'changes from pages on other sites are refused while auth is off (see ALLOWED_ORIGINS)',
      );
    }
    await next();
  };
  app.use('/api/*', check);
  app.use('/blobs/*', check);
}
