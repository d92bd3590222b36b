import type { Context, Env, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/**
 * Validates a JSON request body against a schema (`c.req.valid('json')` in the route),
 * answering 400 `invalid_json` or `invalid_body` with what is wrong. Unlike Hono's `json`
 * validator it reads the body whatever its Content-Type and takes an empty body as `{}`,
 * as the API always has. A body that is not UTF-8 is refused (`invalid_json`), not read
 * with U+FFFD in place of its bad bytes: an imported file would otherwise become a document
 * with its text silently replaced.
 */
export function jsonBody<T extends z.ZodType>(
  schema: T,
): MiddlewareHandler<Env, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  return async (c, next) => {
    c.req.addValidatedData('json', (await parse(c, schema)) as object);
    await next();
  };
}

/** Strict UTF-8 (JSON's only encoding): throws on any invalid byte sequence. A leading BOM is dropped. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, refused (400) unless it is valid UTF-8. */
async function bodyText(c: Context): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not valid UTF-8');
  }
  // A route that reads `c.req.text()` afterwards gets the same text: Hono decodes the bytes
  // it keeps from this read, and they are valid UTF-8.
  return text;
}

async function parse<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const text = await bodyText(c);
  let body: unknown;
  try {
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
