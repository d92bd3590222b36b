import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Env, Hono } from 'hono';

/**
 * Serves the built web client (`client/dist`) from the same port as `/sync`: hashed assets
 * with a year-long cache, and `index.html` for the app's routes (`/`, `/d/<doc>`), which the
 * client routes itself.
 */
export function mountStaticClient<E extends Env>(app: Hono<E>, clientDir: string): void {
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

  const appShell = (c: Context) => {
    if (!fs.existsSync(indexFile)) {
      return c.text('The web client is not built. Run `npm run build` (npm start does it for you).', 503);
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(fs.readFileSync(indexFile, 'utf8'));
  };
  app.get('/', appShell);
  app.get('/d/*', appShell);
}
