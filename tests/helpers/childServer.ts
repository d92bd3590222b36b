import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type * as Y from 'yjs';
import { connectClient, type TestClient } from './clients.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildServer {
  process: ChildProcess;
  url: string;
  syncUrl: string;
  port: number;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * Runs `server/main.ts` in its own process on a chosen port, through tsx like `npm run dev`
 * (`npm start` runs the same code compiled by scripts/serverBuild.ts).
 */
export async function spawnServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)));
  });
  return {
    process: child,
    url,
    syncUrl: `${url.replace(/^http/, 'ws')}/sync`,
    port: Number(new URL(url).port),
    exited,
    output: () => output,
  };
}

/**
 * Server processes and stock clients for the tests of one file: every one started during a
 * test is destroyed (clients) or killed (servers) after it.
 */
export function useChildServers(): {
  spawn(env: Record<string, string>): Promise<ChildServer>;
  client(server: ChildServer, room: string, doc?: Y.Doc): TestClient;
} {
  let children: ChildServer[] = [];
  let clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients = [];
    for (const child of children) child.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    children = [];
  });
  return {
    async spawn(env) {
      const child = await spawnServer(env);
      children.push(child);
      return child;
    },
    client(server, room, doc) {
      const c = connectClient(server.syncUrl, room, { doc });
      clients.push(c);
      return c;
    },
  };
}
