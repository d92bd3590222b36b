/**
 * Heap per idle connection, by kind of object: starts a server, takes a V8 heap snapshot,
 * opens idle editor-like connections, takes another, and prints the difference per
 * connection. This is how docs/ARCHITECTURE.md's per-connection numbers were found
 * (they include V8's code and shapes compiled meanwhile, a few hundred bytes that do not
 * grow with more connections).
 *
 *   npx tsx bench/heap.ts [inkwell|hocuspocus|y-websocket-server] [connections]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunningServer, SERVER_KINDS } from './servers.ts';
import { openIdleClients } from './workloads.ts';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per object kind ("object:Socket", "closure:onFrame", "array", …). */
function summarize(file: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const kinds = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]!]!;
    const kind =
      type === 'object' || type === 'closure' ? `${type}:${heap.strings[heap.nodes[i + nameAt]!]}` : type;
    const entry = kinds.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.nodes[i + sizeAt]!;
    kinds.set(kind, entry);
  }
  return kinds;
}

async function snapshot(server: RunningServer, dir: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(server.pid, 'SIGUSR2');
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const written = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (written) return path.join(dir, written);
  }
}

/** Parses a snapshot once V8 has finished writing it (its size stops changing and it parses). */
async function readWhenComplete(file: string): Promise<ReturnType<typeof summarize>> {
  let lastSize = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const size = fs.statSync(file).size;
    if (size > 0 && size === lastSize) {
      try {
        return summarize(file);
      } catch {
        // still being written
      }
    }
    lastSize = size;
  }
}

const kind = SERVER_KINDS.find((k) => k.name === (process.argv[2] ?? 'inkwell'));
if (!kind) throw new Error(`unknown server; one of ${SERVER_KINDS.map((k) => k.name).join(', ')}`);
const connections = Number(process.argv[3] ?? 2000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-heap-'));
// Inherited by the server process: heap snapshots on SIGUSR2, written to `dir`.
process.env.NODE_OPTIONS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
const server = await RunningServer.start(kind);
try {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const base = await readWhenComplete(await snapshot(server, dir));
  const clients = await openIdleClients(server, connections, Math.max(1, connections / 10));
  const loaded = await readWhenComplete(await snapshot(server, dir));
  for (const client of clients) client.close();

  const rows = [...loaded].map(([name, after]) => {
    const was = base.get(name) ?? { count: 0, bytes: 0 };
    return {
      kind: name,
      perConnection: (after.count - was.count) / connections,
      bytes: (after.bytes - was.bytes) / connections,
    };
  });
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(
    `${kind.name}: ${(total / 1024).toFixed(1)} KB of heap per idle connection (${connections} connections)`,
  );
  console.table(
    rows
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 25)
      .map((row) => ({ ...row, perConnection: +row.perConnection.toFixed(2), bytes: Math.round(row.bytes) })),
  );
} finally {
  await server.stop();
  server.removeData();
  fs.rmSync(dir, { recursive: true, force: true });
}
