import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'dist' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** True when `client/dist` is missing or older than any of its sources. */
export function clientBuildIsStale(): boolean {
  const built = fs.statSync(BUILT_INDEX, { throwIfNoEntry: false });
  if (built === undefined) return true;
  return INPUTS.some((input) => newestMtime(path.join(ROOT, input)) > built.mtimeMs);
}

/** Builds the web client with Vite when it is missing or stale. */
export async function ensureClientBuild(log: (line: string) => void = console.log): Promise<void> {
  if (!clientBuildIsStale()) return;
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
