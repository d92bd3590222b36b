import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Env, Hono } from 'hono';

/** The page for an address that leads nowhere, when the web client is not built. */
const PLAIN_NOT_FOUND_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page not found · Inkwell</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 15vh auto; padding: 0 16px; color: #1f2937">
<h1 style="font-size: 1.5rem">This page does not exist</h1>
<p>The address may be mistyped or out of date.</p>
<p><a href="/">Go to your documents</a></p>
</body></html>`;

/**
 * Serves the built web client (`client/dist`) from the same port as `/sync`: hashed assets
 * with a year-long cache, the service worker (never cached: browsers must see a new release
 * at once), and `index.html` for the app's routes (`/`, `/trash`, `/d/<doc>`), which the client routes
 * itself. Returns the handler for addresses that lead nowhere (a page, for people).
 */
export function mountStaticClient<E extends Env>(app: Hono<E>, clientDir: string): (c: Context) => Response {
  const indexFile = path.join(clientDir, 'index.html');
  // serveStatic takes a root relative to the working directory.
  const root = path.relative(process.cwd(), clientDir) || '.';

  app.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get('/favicon.svg', serveStatic({ root }));
  app.get(
    '/sw.js',
    serveStatic({
      root,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'no-cache');
      },
    }),
  );

  const appShell = (c: Context) => {
    if (!fs.existsSync(indexFile)) {
      return c.text('The web client is not built. Run `npm run build` (npm start does it for you).', 503);
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(fs.readFileSync(indexFile, 'utf8'));
  };
  app.get('/', appShell);
  app.get('/d/*', appShell);
  app.get('/trash', appShell);
  app.get('/admin', appShell);

  // The web client's own "page does not exist" screen (it routes the unknown path itself),
  // or a plain page when the client is not built.
  return (c: Context) => {
    c.header('Cache-Control', 'no-cache');
    const page = fs.existsSync(indexFile) ? fs.readFileSync(indexFile, 'utf8') : PLAIN_NOT_FOUND_PAGE;
    return c.html(page, 404) as Response;
  };
}
