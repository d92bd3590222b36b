/**
 * `npx tsx bench/refusalRetries.ts [--seconds 24]`: how often each y-websocket client version
 * retries after its token has expired, without and with the repeat-refusal memory
 * (REPEAT_REFUSAL_WINDOW_MS, issue 15). One stale client per version and server, all at
 * once; handshakes are counted on the client side (every WebSocket the provider creates).
 * Prints attempts per minute over the whole run and over its last third (the steady state).
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { Role } from '../shared/access.ts';
import { loadConfig } from '../server/config.ts';
import { silentLogger } from '../server/logger.ts';
import { signToken } from '../server/access/TokenVerifier.ts';
import { createMemoryStorage } from '../server/storage/memory/createMemoryStorage.ts';
import { startServer } from '../server/startServer.ts';
import { CLIENT_VERSIONS, connectVersion, type VersionedClient } from '../tests/helpers/clientVersions.ts';

const SECRET = 'r'.repeat(40);
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '24' } } });
const seconds = Number(values.seconds);

process.setMaxListeners(0);

interface Run {
  label: string;
  version: string;
  attempts: number[];
}

async function measure(label: string, windowMs: number): Promise<{ runs: Run[]; stop: () => Promise<void> }> {
  const config = {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
    authSecret: SECRET,
    repeatRefusalWindowMs: windowMs,
  };
  const server = await startServer(config, silentLogger(), createMemoryStorage());
  const syncUrl = `${server.url.replace(/^http/, 'ws')}/sync`;
  const runs: Run[] = [];
  const clients: VersionedClient[] = [];
  for (const { version } of CLIENT_VERSIONS) {
    const run: Run = { label, version, attempts: [] };
    runs.push(run);
    // Every handshake the provider starts, timed.
    class CountingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        run.attempts.push(performance.now());
        this.on('error', () => {});
      }
    }
    const token = await signToken(SECRET, { sub: 'stale', doc: `doc-${version}`, role: Role.Write }, -10);
    clients.push(
      connectVersion(version, syncUrl, `doc-${version}`, {
        params: { token },
        WebSocketClass: CountingWebSocket,
      }),
    );
  }
  return {
    runs,
    stop: async () => {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
}

const started = performance.now();
const before = await measure('before (window 0)', 0);
const after = await measure('after (window 60 s)', 60_000);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await before.stop();
await after.stop();

const perMinute = (count: number, ms: number) => Math.round((count / ms) * 60_000);
const lastThird = started + (seconds * 1000 * 2) / 3;
console.log(`attempts per minute after an expired token, measured over ${seconds} s`);
console.log('| server | client | attempts | per minute (whole run) | per minute (last third) |');
console.log('| --- | --- | --- | --- | --- |');
for (const run of [...before.runs, ...after.runs]) {
  const late = run.attempts.filter((t) => t >= lastThird).length;
  console.log(
    `| ${run.label} | ${run.version} | ${run.attempts.length} | ${perMinute(run.attempts.length, seconds * 1000)} | ${perMinute(late, (seconds * 1000) / 3)} |`,
  );
}
