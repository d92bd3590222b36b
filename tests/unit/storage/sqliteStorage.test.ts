import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/logger.ts';
import type { Clock } from '../../../server/storage/Storage.ts';
import { migrate, SCHEMA_VERSION } from '../../../server/storage/sqlite/migrations.ts';
import { openSqliteStorage } from '../../../server/storage/sqlite/openSqliteStorage.ts';
import { tempDataDir } from '../../helpers/server.ts';
import { waitFor } from '../../helpers/wait.ts';
import { blobStoreContract } from './blobStoreContract.ts';
import { docCatalogueContract } from './docCatalogueContract.ts';
import { docLogContract } from './docLogContract.ts';
import { docTrashContract } from './docTrashContract.ts';
import { docVersionsContract } from './docVersionsContract.ts';
import { pendingBackfillsContract } from './pendingBackfillsContract.ts';
import { ManualClock } from './storageFixture.ts';

const newFile = () => path.join(tempDataDir(), 'inkwell.db');
const openSqlite = (file = newFile(), clock?: Clock) =>
  openSqliteStorage({ file, logger: silentLogger(), clock });

docLogContract('SQLite', (clock) => openSqlite(newFile(), clock));
docCatalogueContract('SQLite', (clock) => openSqlite(newFile(), clock));
docTrashContract('SQLite', (clock) => openSqlite(newFile(), clock));
blobStoreContract('SQLite', (clock) => openSqlite(newFile(), clock));
docVersionsContract('SQLite', (clock) => openSqlite(newFile(), clock));
pendingBackfillsContract('SQLite', async () => {
  const file = newFile();
  return async () => openSqlite(file);
});

describe('SQLite storage on disk', () => {
  it('keeps appends and snapshots across close and reopen', async () => {
    const file = path.join(tempDataDir(), 'nested', 'inkwell.db');
    const first = openSqlite(file);
    const seq = await first.log.append('d', Uint8Array.of(1));
    await first.log.compact('d', Uint8Array.of(5), Uint8Array.of(0), seq);
    await first.log.append('d', Uint8Array.of(2));
    await first.close();

    const second = openSqlite(file);
    expect(await second.log.load('d')).toMatchObject({
      snapshot: Uint8Array.of(5),
      updates: [Uint8Array.of(2)],
      lastSeq: 2,
    });
    expect(await second.log.append('d', Uint8Array.of(3))).toBe(3);
    await second.close();
  });

  it('commits the appends of one event-loop turn in a single transaction', async () => {
    const file = newFile();
    const storage = openSqlite(file);
    const writes = Array.from({ length: 200 }, (_, i) =>
      storage.log.append(`doc-${i % 7}`, Uint8Array.of(i)),
    );
    // Nothing is committed before the turn ends: a second connection sees no rows yet.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM updates').get()).toEqual({ n: 0 });
    await Promise.all(writes);
    expect(reader.prepare('SELECT COUNT(*) AS n FROM updates').get()).toEqual({ n: 200 });
    reader.close();
    await storage.close();
  });

  it('checkpoints the WAL from a background thread, not inside commits', async () => {
    const file = newFile();
    const storage = openSqliteStorage({ file, logger: silentLogger(), checkpointIntervalMs: 20 });
    // 1 MiB in separate commits: far below the main connection's own checkpoint threshold.
    for (let i = 0; i < 256; i++) await storage.log.append('d', new Uint8Array(4096).fill(i));
    // Only a checkpoint moves pages from the WAL into the database file itself.
    await waitFor(() => fs.statSync(file).size >= 1 << 20, 'a checkpoint to fill the database file');
    await storage.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('writes a busy document’s row once a second, yet lists exact sizes and times', async () => {
    const file = newFile();
    const clock = new ManualClock();
    const storage = openSqlite(file, clock.read);
    for (let i = 0; i < 49; i++) {
      await storage.log.append('busy', new Uint8Array(100));
      clock.advance(10);
    }
    await storage.log.append('busy', new Uint8Array(100));
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare(`SELECT log_bytes FROM documents WHERE name = 'busy'`).get() as {
      log_bytes: number;
    };
    expect(row.log_bytes).toBe(100); // 49 keystrokes did not rewrite the row
    raw.close();
    expect(await storage.catalogue.info('busy')).toMatchObject({ bytes: 5000, updatedAt: clock.now });
    expect((await storage.catalogue.list()).find((d) => d.name === 'busy')?.bytes).toBe(5000);
    await storage.close();
  });

  it('uses WAL and records its schema version', async () => {
    const file = newFile();
    await openSqlite(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('upgrades a version-3 database (snapshot in the documents row) without losing it', async () => {
    const file = newFile();
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

    const storage = openSqlite(file);
    expect(await storage.log.load('d')).toMatchObject({
      snapshot: Uint8Array.of(7, 8, 9),
      snapshotStateVector: Uint8Array.of(0),
      updates: [Uint8Array.of(4)],
    });
    expect(await storage.catalogue.info('d')).toMatchObject({ title: 'Notes' });
    await storage.close();
  });

  it('upgrades store-wide numbers to per-document ones without reusing any', async () => {
    const file = newFile();
    const old = new Database(file);
    migrate(old, 4);
    const insertDocument = old.prepare(
      `INSERT INTO documents (name, created_at, updated_at) VALUES (?, 1, 1)`,
    );
    const insertUpdate = old.prepare(`INSERT INTO updates (doc, data) VALUES (?, ?)`);
    for (const name of ['a', 'b', 'compacted']) insertDocument.run(name);
    for (const [doc, byte] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['compacted', 4],
    ] as const) {
      insertUpdate.run(doc, Uint8Array.of(byte));
    }
    // 'compacted' was folded into its snapshot: its log is empty, its numbers were up to 4.
    old.prepare(`DELETE FROM updates WHERE doc = 'compacted'`).run();
    old.prepare(`INSERT INTO snapshots (name, snapshot) VALUES ('compacted', ?)`).run(Uint8Array.of(4));
    old.close();

    const storage = openSqlite(file);
    expect(await storage.log.load('a')).toMatchObject({
      updates: [Uint8Array.of(1), Uint8Array.of(3)],
      lastSeq: 3,
    });
    expect(await storage.log.append('a', Uint8Array.of(5))).toBe(4);
    expect(await storage.log.append('b', Uint8Array.of(6))).toBe(3);
    expect(await storage.log.append('compacted', Uint8Array.of(7))).toBe(5);
    await storage.close();
  });

  it('refuses to open a database from a newer version of Inkwell', () => {
    const file = newFile();
    const db = new Database(file);
    db.pragma('user_version = 99');
    // (a database written by some future Inkwell)
    db.close();
    expect(() => openSqlite(file)).toThrow(/newer/);
    expect(fs.existsSync(file)).toBe(true);
  });
});
