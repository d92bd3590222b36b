import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/logger.ts';
import { MemoryDocStore } from '../../../server/storage/MemoryDocStore.ts';
import { SqliteDocStore } from '../../../server/storage/SqliteDocStore.ts';
import { migrate } from '../../../server/storage/sqliteMigrations.ts';
import { tempDataDir } from '../../helpers/server.ts';
import { docStoreContract } from './docStoreContract.ts';

const openSqlite = (file = path.join(tempDataDir(), 'inkwell.db')) =>
  new SqliteDocStore({ file, logger: silentLogger() });

docStoreContract('MemoryDocStore', () => new MemoryDocStore());
docStoreContract('SqliteDocStore', () => openSqlite());

describe('SqliteDocStore on disk', () => {
  it('keeps appends and snapshots across close and reopen', async () => {
    const file = path.join(tempDataDir(), 'nested', 'inkwell.db');
    const first = openSqlite(file);
    const seq = await first.append('d', Uint8Array.of(1));
    await first.compact('d', Uint8Array.of(5), Uint8Array.of(0), seq);
    await first.append('d', Uint8Array.of(2));
    await first.close();

    const second = openSqlite(file);
    expect(await second.load('d')).toMatchObject({ snapshot: Uint8Array.of(5), updates: [Uint8Array.of(2)] });
    await second.close();
  });

  it('commits the appends of one event-loop turn in a single transaction', async () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const store = openSqlite(file);
    const writes = Array.from({ length: 200 }, (_, i) => store.append(`doc-${i % 7}`, Uint8Array.of(i)));
    // Nothing is committed before the turn ends: a second connection sees no rows yet.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM updates').get()).toEqual({ n: 0 });
    await Promise.all(writes);
    expect(reader.prepare('SELECT COUNT(*) AS n FROM updates').get()).toEqual({ n: 200 });
    reader.close();
    await store.close();
  });

  it('checkpoints the WAL from a background thread, not inside commits', async () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const store = new SqliteDocStore({ file, logger: silentLogger(), checkpointIntervalMs: 20 });
    // 1 MiB in separate commits: far below the main connection's own checkpoint threshold.
    for (let i = 0; i < 256; i++) await store.append('d', new Uint8Array(4096).fill(i));
    const deadline = Date.now() + 10_000;
    // Only a checkpoint moves pages from the WAL into the database file itself.
    while (fs.statSync(file).size < 1 << 20 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(1 << 20);
    await store.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('writes a busy document’s row once a second, yet lists exact sizes and times', async () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const store = openSqlite(file);
    for (let i = 0; i < 49; i++) await store.append('busy', new Uint8Array(100));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const lastAppend = Date.now();
    await store.append('busy', new Uint8Array(100));
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare(`SELECT log_bytes FROM documents WHERE name = 'busy'`).get() as {
      log_bytes: number;
    };
    expect(row.log_bytes).toBeLessThan(5000); // 49 keystrokes did not rewrite the row
    raw.close();
    const info = await store.info('busy');
    expect(info?.bytes).toBe(5000);
    expect(info!.updatedAt).toBeGreaterThanOrEqual(lastAppend);
    expect((await store.list()).find((d) => d.name === 'busy')?.bytes).toBe(5000);
    await store.close();
  });

  it('uses WAL and records its schema version', async () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const store = openSqlite(file);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    db.close();
  });

  it('upgrades a version-3 database (snapshot in the documents row) without losing it', async () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const old = new Database(file);
    migrate(old, 3);
    old
      .prepare(
        `INSERT INTO documents (name, created_at, updated_at, snapshot, snapshot_bytes, state_vector, title)
         VALUES ('d', 1, 2, ?, 3, ?, 'Notes')`,
      )
      .run(Uint8Array.of(7, 8, 9), Uint8Array.of(0));
    old.prepare(`INSERT INTO updates (doc, data) VALUES ('d', ?)`).run(Uint8Array.of(4));
    old.close();

    const store = openSqlite(file);
    expect(await store.load('d')).toMatchObject({
      snapshot: Uint8Array.of(7, 8, 9),
      snapshotStateVector: Uint8Array.of(0),
      updates: [Uint8Array.of(4)],
    });
    expect(await store.info('d')).toMatchObject({ title: 'Notes' });
    await store.close();
  });

  it('refuses to open a database from a newer version of Inkwell', () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    // (a database written by some future Inkwell)
    db.close();
    expect(() => openSqlite(file)).toThrow(/newer/);
    expect(fs.existsSync(file)).toBe(true);
  });
});
