/**
 * `npm run token -- --doc NAME --role write --ttl 1h --name Ada [--sub ID] [--base URL]`
 * Mints an access token with AUTH_SECRET and prints it with a ready link.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isTokenRole, MIN_SECRET_LENGTH, Role, TokenRole } from '../shared/access.ts';
import { signToken } from '../server/access/TokenVerifier.ts';

const USAGE = `usage: npm run token -- --doc NAME|PREFIX* [--role read|write|admin] [--ttl 1h] [--name "Ada"] [--sub ID] [--base URL]
  --doc    a document name, or a prefix ending in * (e.g. "team-*", or "*" for every document)
  --role   read (view only), write (default), or admin (/metrics and the /admin dashboard;
           opens no document; --doc is not needed)
  --ttl    lifetime: 90s, 30m, 12h, 7d (default: 1h)
  --name   display name carried in the token
  --sub    user id (default: a random id)
  --base   the server's public URL for the link (default: http://HOST:PORT from the environment)
Requires AUTH_SECRET in the environment (the same one the server uses).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseTtl(text: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!match) fail(`--ttl must look like 90s, 30m, 12h or 7d (got "${text}")`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const { values } = parseArgs({
  options: {
    doc: { type: 'string' },
    role: { type: 'string', default: Role.Write },
    ttl: { type: 'string', default: '1h' },
    name: { type: 'string' },
    sub: { type: 'string' },
    base: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const secret = process.env.AUTH_SECRET ?? '';
if (secret.length < MIN_SECRET_LENGTH)
  fail(`AUTH_SECRET must be set (at least ${MIN_SECRET_LENGTH} characters)`);
if (!isTokenRole(values.role)) fail('--role must be read, write or admin');
// An admin token opens no document; its doc claim is required by the format, not used.
if (values.role === TokenRole.Admin) values.doc ??= '*';
if (!values.doc) fail('--doc is required');

const token = await signToken(
  secret,
  { sub: values.sub ?? randomUUID(), name: values.name, doc: values.doc, role: values.role },
  parseTtl(values.ttl),
);
const base = values.base ?? `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '1234'}`;
const link =
  values.role === TokenRole.Admin
    ? `${base}/admin?token=${token}`
    : values.doc.endsWith('*')
      ? `${base}/?token=${token}`
      : `${base}/d/${encodeURIComponent(values.doc)}?token=${token}`;
process.stdout.write(`${token}\n\nlink: ${link}\n`);
