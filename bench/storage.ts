/**
 * `npm run bench:storage [-- --seconds 3]`: the update log alone, SQLite beside PostgreSQL on
 * this machine, through the `DocLog` interface the rooms use (group commit included).
 *
 * - saturated: 64 writers over 16 documents, each appending again as soon as its last append
 *   resolved: appends/s, and the latency of each append (call to resolution).
 * - typing: an open loop of 2,000 appends/s over 200 documents (a busy server's keystrokes):
 *   commit latency p50/p99/max.
 *
 * PostgreSQL is `DATABASE_URL` or the local server; the benchmark creates its own database and
 * drops it at the end.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { silentLogger } from '../server/logger.ts';
import { openPostgresStorage } from '../server/storage/postgres/openPostgresStorage.ts';
import { openSqliteStorage } from '../server/storage/sqlite/openSqliteStorage.ts';
import type { Storage } from '../server/storage/Storage.ts';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Number(args.seconds);
const UPDATE_BYTES = 24; // about one keystroke's Yjs update

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Result {
  appendsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

function summarise(latencies: number[], elapsedMs: number): Result {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    appendsPerSecond: (latencies.length / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

async function saturated(storage: Storage): Promise<Result> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async (_, writer) => {
      while (performance.now() < end) {
        const begun = performance.now();
        await storage.log.append(`doc-${writer % 16}`, randomBytes(UPDATE_BYTES));
        latencies.push(performance.now() - begun);
      }
    }),
  );
  return summarise(latencies, performance.now() - start);
}

async function typing(storage: Storage, perSecond = 2000): Promise<Result> {
  const latencies: number[] = [];
  const appends: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const begun = performance.now();
      appends.push(
        storage.log.append(`doc-${sent % 200}`, randomBytes(UPDATE_BYTES)).then(() => {
          latencies.push(performance.now() - begun);
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(appends);
  return summarise(latencies, performance.now() - start);
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `inkwell_bench_${randomBytes(4).toString('hex')}`;
await adminQuery(adminUrl, `CREATE DATABASE ${database}`);
const pgUrl = new URL(adminUrl);
pgUrl.pathname = `/${database}`;

const backends: { name: string; open: () => Promise<Storage> }[] = [
  {
    name: 'SQLite (synchronous=NORMAL)',
    open: async () =>
      openSqliteStorage({
        file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inkwell-bench-')), 'inkwell.db'),
        logger: silentLogger(),
      }),
  },
  {
    name: 'PostgreSQL (127.0.0.1)',
    open: () =>
      openPostgresStorage({
        url: pgUrl.toString(),
        poolSize: 10,
        statementTimeoutMs: 5000,
        logger: silentLogger(),
      }),
  },
];

const ms = (value: number) => value.toFixed(2).padStart(7);
console.log(`update log, ${seconds} s per run, ${UPDATE_BYTES}-byte updates, ${os.cpus().length} cores\n`);
console.log(
  `${'backend'.padEnd(28)} ${'workload'.padEnd(11)} ${'appends/s'.padStart(10)}    p50 ms  p99 ms  max ms`,
);
try {
  for (const backend of backends) {
    for (const [workload, run] of [
      ['saturated', saturated],
      ['typing', typing],
    ] as const) {
      const storage = await backend.open();
      const result = await run(storage);
      await storage.close();
      console.log(
        `${backend.name.padEnd(28)} ${workload.padEnd(11)} ${result.appendsPerSecond.toFixed(0).padStart(10)}  ${ms(result.p50)} ${ms(result.p99)} ${ms(result.max)}`,
      );
    }
  }
} finally {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}
