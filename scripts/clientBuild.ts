import path from 'node:path';
import { isStale, ROOT } from './staleness.ts';

const BUILT_INDEX = path.join(ROOT, 'client', 'dist', 'index.html');
/** Everything the client build reads. */
const INPUTS = ['client', 'shared', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];

/** Builds the web client with Vite when it is missing or stale. */
export async function ensureClientBuild(log: (line: string) => void = console.log): Promise<void> {
  if (!isStale(BUILT_INDEX, INPUTS)) return;
  log('Building the web client (client/dist is missing or older than its sources)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}
