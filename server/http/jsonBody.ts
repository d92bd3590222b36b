import type { Context, Env, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/**
 * Validates a JSON request body against a schema (`c.req.valid('json')` in the route),
 * answering 400 `invalid_json` or `invalid_body` with what is wrong. Unlike Hono's `json`
 * validator it reads the body whatever its Content-Type and takes an empty body as `{}`,
 * as the API always has.
 */
export function jsonBody<T extends z.ZodType>(
  schema: T,
): MiddlewareHandler<Env, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  return async (c, next) => {
    c.req.addValidatedData('json', (await parse(c, schema)) as object);
    await next();
  };
}

async function parse<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new ApiError(400, 'invalid_body', problems.join('; '));
  }
  return parsed.data;
}
