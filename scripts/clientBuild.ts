import path from 'node:path';
import { isStale, ROOT } from './staleness.ts';

const BUILT_INDEX = path.join(ROOT, 'client', 'dist', 'index.html');
/** Everything the client build reads. */
const INPUTS = [
  'client',
  'shared',
  'scripts/serviceWorkerPlugin.ts',
  'vite.config.ts',
  'package-lock.json',
  'tsconfig.json',
];

/** Builds the web client with Vite when it is missing or stale. */
export async function ensureClientBuild(log: (line: string) => void = console.log): Promise<void> {
  if (!isStale(BUILT_INDEX, INPUTS)) return;
  log('Building the web client (client/dist is missing or older than its sources)…');
  const { build } = await import('vite');
  // Vite builds for whatever NODE_ENV says, and Vitest says "test": without this, tests
  // would run a development build (React's dev runtime, no service worker).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
