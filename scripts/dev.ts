/**
 * `npm run dev`: the server (restarting on change) plus Vite with hot reload, which proxies
 * `/api` and `/sync` to it. Open the URL Vite prints.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverPort = process.env.PORT ?? '1234';

const server = spawn(process.execPath, ['--import', 'tsx', '--watch', path.join(ROOT, 'server', 'main.ts')], {
  cwd: ROOT,
  env: { ...process.env, PORT: serverPort, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  stdio: 'inherit',
});

process.env.INKWELL_DEV_SERVER = `http://127.0.0.1:${serverPort}`;
const vite = await createServer({ configFile: path.join(ROOT, 'vite.config.ts') });
await vite.listen();
vite.printUrls();

const stop = async () => {
  server.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
