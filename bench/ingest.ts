/**
 * Ingest and cold-load benchmark on the real editing trace:
 *  1. send the trace to a fresh Inkwell server as 259,778 separate updates (one per
 *     keystroke, up to WINDOW unacknowledged), counting the server's echoes;
 *  2. stop the server (SIGTERM), measure the database;
 *  3. start it again and time a fresh client's first sync (connect → step 2), then a second.
 * Server and load generator share this machine; the server runs in its own process.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { decodeMessage, encodeSyncStep1, encodeSyncUpdate } from '../shared/protocol.ts';
import { spawnServer } from '../tests/helpers/childServer.ts';
import { tempDataDir } from '../tests/helpers/server.ts';
import { loadEditingTrace, traceToUpdates } from './editingTrace.ts';

const WINDOW = 1000;
const ROOM = 'paper';
/** One trusted writer replaying a trace as fast as it can: lift the per-socket rate limit. */
const SERVER_ENV = { MAX_MESSAGES_PER_SECOND: '1000000', MAX_MESSAGE_BURST: '1000000' };

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function ingest(syncUrl: string, updates: Uint8Array[]): Promise<number> {
  const ws = await open(`${syncUrl}/${ROOM}`);
  let sent = 0;
  let echoed = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    ws.once('close', (code, reason) =>
      reject(
        new Error(`server closed the ingest socket (${code} ${reason.toString()}) after ${echoed} echoes`),
      ),
    );
    const pump = () => {
      while (sent < updates.length && sent - echoed < WINDOW) ws.send(encodeSyncUpdate(updates[sent++]!));
    };
    ws.on('message', (data: Buffer) => {
      if (decodeMessage(new Uint8Array(data)).type !== 'sync-update') return;
      echoed++;
      if (echoed === updates.length) resolve();
      else if (sent - echoed < WINDOW / 2) pump();
    });
    pump();
  });
  const seconds = (performance.now() - started) / 1000;
  ws.removeAllListeners('close');
  ws.close();
  return seconds;
}

/** Connects with an empty document and times until the step 2 arrives. */
async function firstSync(syncUrl: string, room = ROOM): Promise<{ ms: number; bytes: number; text: string }> {
  const started = performance.now();
  const ws = new WebSocket(`${syncUrl}/${room}`);
  ws.once('open', () => ws.send(encodeSyncStep1(Uint8Array.of(0))));
  const frame = await new Promise<Uint8Array>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const bytes = new Uint8Array(data);
      if (decodeMessage(bytes).type === 'sync-step-2') resolve(bytes);
    });
  });
  const ms = performance.now() - started;
  ws.close();
  const message = decodeMessage(frame);
  const doc = new Y.Doc();
  if (message.type === 'sync-step-2') Y.applyUpdate(doc, message.update);
  return { ms, bytes: frame.byteLength, text: doc.getText('text').toString() };
}

function databaseBytes(dataDir: string): number {
  return fs
    .readdirSync(dataDir)
    .filter((f) => f.startsWith('inkwell.db'))
    .reduce((sum, f) => sum + fs.statSync(path.join(dataDir, f)).size, 0);
}

const trace = loadEditingTrace();
const { updates } = traceToUpdates(trace);
const dataDir = tempDataDir();
console.log(
  `trace: ${trace.source}; ${updates.length} updates, ${updates.reduce((s, u) => s + u.length, 0)} bytes`,
);

const first = await spawnServer({ DATA_DIR: dataDir, ...SERVER_ENV });
const seconds = await ingest(first.syncUrl, updates);
first.process.kill('SIGTERM');
await first.exited;
const dbBytes = databaseBytes(dataDir);

const second = await spawnServer({ DATA_DIR: dataDir, ...SERVER_ENV });
// The very first connection to a fresh process also pays for compiling the server's own code
// paths (upgrade, routing, SQLite, Yjs); it is reported separately from the document's load.
const firstConnection = await firstSync(second.syncUrl, 'warm-up');
const cold = await firstSync(second.syncUrl);
const warm = await firstSync(second.syncUrl);
second.process.kill('SIGTERM');
await second.exited;

const result = {
  trace: trace.source,
  updates: updates.length,
  ingestSeconds: +seconds.toFixed(2),
  updatesPerSecond: Math.round(updates.length / seconds),
  databaseBytes: dbBytes,
  firstConnectionAfterRestartMs: +firstConnection.ms.toFixed(1),
  coldFirstSyncMs: +cold.ms.toFixed(1),
  coldFirstSyncBytes: cold.bytes,
  coldHoldsWholeDocument: cold.text === trace.endContent,
  secondSyncMs: +warm.ms.toFixed(1),
  secondSyncBytes: warm.bytes,
};
console.table(result);
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/ingest.json', JSON.stringify(result, null, 2) + '\n');
if (!result.coldHoldsWholeDocument) process.exitCode = 1;
