import path from 'node:path';
import { isStale, ROOT } from './staleness.ts';

/**
 * The compiled server `npm start` runs with plain `node`. One directory below the root, like
 * `server/startServer.ts`, so that paths it resolves from `import.meta.url` (the client
 * build) hold in both.
 */
export const SERVER_BUNDLE = path.join(ROOT, 'dist', 'server.js');
/** Everything the server build reads. */
const INPUTS = ['server', 'shared', 'package-lock.json', 'tsconfig.json', 'scripts/serverBuild.ts'];

/**
 * Compiles the server (TypeScript, ESM) into one JavaScript file with esbuild when it is
 * missing or stale; packages stay imports, resolved from node_modules at run time. In
 * production this spares the tsx loader (its own thread and esbuild service) and compiling
 * every module at each start.
 */
export async function ensureServerBuild(log: (line: string) => void = console.log): Promise<void> {
  if (!isStale(SERVER_BUNDLE, INPUTS)) return;
  log('Building the server (dist/server.js is missing or older than its sources)…');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(ROOT, 'server', 'main.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
