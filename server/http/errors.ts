import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody } from '../../shared/api.ts';
import type { Logger } from '../logger.ts';

/** An HTTP error with a stable machine-readable code. */
export class ApiError extends HTTPException {
  readonly code: string;

  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(status, { message });
    this.code = code;
  }
}

/** Maps any thrown error to a JSON response (the one `app.onError`). */
export function errorResponse(error: Error, c: Context, logger: Logger): Response {
  if (error instanceof ApiError) {
    return c.json<ApiErrorBody>({ error: { code: error.code, message: error.message } }, error.status);
  }
  if (error instanceof HTTPException) {
    return c.json<ApiErrorBody>(
      { error: { code: 'http_error', message: error.message || 'request failed' } },
      error.status,
    );
  }
  logger.error({ err: error, path: c.req.path }, 'unhandled error in an HTTP handler');
  return c.json<ApiErrorBody>({ error: { code: 'internal', message: 'internal server error' } }, 500);
}
