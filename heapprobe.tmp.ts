import fs from 'node:fs';
import { RunningServer, SERVER_KINDS } from './bench/servers.ts';
import { LoadClient, openInBatches } from './bench/wire.ts';
const kind = SERVER_KINDS.find((k) => k.name === (process.argv[2] ?? 'inkwell'))!;
const server = await RunningServer.start(kind);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const snap = async (label: string) => {
  const before = new Set(fs.readdirSync('.').filter((f) => f.endsWith('.heapsnapshot')));
  process.kill(server.pid, 'SIGUSR2');
  for (;;) {
    await sleep(500);
    const f = fs.readdirSync('.').find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (f) { await sleep(3000); fs.renameSync(f, `/tmp/heap/${kind.name}-${label}.heapsnapshot`); return; }
  }
};
await sleep(1000);
await snap('base');
const N = 2000;
const clients = await openInBatches(N, (i) => new LoadClient({ flavor: kind.flavor, url: server.documentUrl(`idle-${i % 200}`), doc: `idle-${i % 200}`, awarenessClientId: i + 1 }), (c) => c.synced, 500);
await sleep(2000);
await snap('conns');
for (const c of clients) c.close();
await server.stop();
