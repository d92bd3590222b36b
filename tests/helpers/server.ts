import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.ts';
import { silentLogger } from '../../server/logger.ts';
import { startServer, type RunningServer, type ServerHooks } from '../../server/startServer.ts';
import type { Storage } from '../../server/storage/Storage.ts';

/** A fresh temporary data directory. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-test-'));
}

export interface TestServer extends RunningServer {
  readonly config: Config;
  /** `ws://host:port/sync`, the provider's serverUrl. */
  readonly syncUrl: string;
}

/** Starts a real server on 127.0.0.1 (port 0 unless given) with a real SQLite file. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  storage?: Storage,
  hooks: ServerHooks = {},
): Promise<TestServer> {
  const config: Config = {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    dataDir: overrides.dataDir ?? tempDataDir(),
    ...overrides,
  };
  const server = await startServer(config, silentLogger(), storage, hooks);
  return { ...server, close: server.close, config, syncUrl: `${server.url.replace(/^http/, 'ws')}/sync` };
}
