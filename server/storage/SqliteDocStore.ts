import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../logger.ts';
import type { DocStore, DocumentInfo, StoredDocument } from './DocStore.ts';
import { migrate } from './sqliteMigrations.ts';
import { WalCheckpointer } from './walCheckpointer.ts';

interface PendingAppend {
  name: string;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

interface DocumentRow {
  name: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  bytes: number;
}

export interface SqliteDocStoreOptions {
  /** Path of the database file (created with its directory if missing). */
  file: string;
  /** NORMAL survives a process crash; FULL also survives power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  logger: Logger;
  /** How often the background thread checkpoints the WAL (see WalCheckpointer). */
  checkpointIntervalMs?: number;
}

/**
 * While a document is being edited, its row (updated_at, log_bytes) is written at most this
 * often: one page less per keystroke. Readers (list, info) and compaction see exact values,
 * because they write what is pending first; a crash can leave updated_at up to this much
 * behind and log_bytes short, which the next compaction recounts.
 */
const TOUCH_INTERVAL_MS = 1000;

interface RowTouch {
  touchedAt: number;
  lastEditAt: number;
  pendingBytes: number;
}

/** Pages the WAL may reach before a commit checkpoints on the event loop (a backstop). */
const BACKSTOP_CHECKPOINT_PAGES = 16_384; // 64 MiB of 4 KiB pages

const toInfo = (row: DocumentRow): DocumentInfo => ({
  name: row.name,
  title: row.title,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  bytes: row.bytes,
});

/**
 * `DocStore` on one SQLite file in WAL mode.
 *
 * Appends are group-committed: every append made during one turn of the event loop is
 * written in a single transaction from a `setImmediate` callback, so a burst of keystrokes
 * from many sockets costs one commit. Statements are prepared once.
 */
export class SqliteDocStore implements DocStore {
  private readonly db: Database.Database;
  private readonly checkpointer: WalCheckpointer;
  private readonly logger: Logger;
  private pending: PendingAppend[] = [];
  /** Documents whose rows were touched recently, with what is not yet written to them. */
  private touches = new Map<string, RowTouch>();
  private readonly writePendingTouches: () => void;
  private commitScheduled = false;
  private closed = false;

  private readonly insertUpdate: Database.Statement<[string, Uint8Array]>;
  private readonly touchDocument: Database.Statement<[{ name: string; now: number; bytes: number }]>;
  private readonly selectSnapshot: Database.Statement<
    [string],
    { snapshot: Buffer | null; state_vector: Buffer | null }
  >;
  private readonly selectUpdates: Database.Statement<[string], { id: number; data: Buffer }>;
  private readonly deleteUpdatesThrough: Database.Statement<[string, number]>;
  private readonly sumLogBytes: Database.Statement<[string], { bytes: number | null }>;
  private readonly writeSnapshot: Database.Statement<[string, Uint8Array, Uint8Array]>;
  private readonly recordSizes: Database.Statement<[number, number, string]>;
  private readonly updateTitle: Database.Statement<[string | null, string]>;
  private readonly selectAll: Database.Statement<[], DocumentRow>;
  private readonly selectOne: Database.Statement<[string], DocumentRow>;
  private readonly commitBatch: (batch: PendingAppend[]) => number[];
  private readonly compactTransaction: (
    name: string,
    snapshot: Uint8Array,
    stateVector: Uint8Array,
    throughSeq: number,
  ) => void;

  constructor(options: SqliteDocStoreOptions) {
    this.logger = options.logger;
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    migrate(this.db);
    this.checkpointer = new WalCheckpointer(options.file, options.checkpointIntervalMs ?? 1000, this.logger);

    this.insertUpdate = this.db.prepare('INSERT INTO updates (doc, data) VALUES (?, ?)');
    this.touchDocument = this.db.prepare(`
      INSERT INTO documents (name, created_at, updated_at, log_bytes) VALUES (@name, @now, @now, @bytes)
      ON CONFLICT (name) DO UPDATE SET updated_at = @now, log_bytes = log_bytes + @bytes`);
    this.selectSnapshot = this.db.prepare(`
      SELECT s.snapshot, s.state_vector FROM documents d LEFT JOIN snapshots s ON s.name = d.name
      WHERE d.name = ?`);
    this.selectUpdates = this.db.prepare('SELECT id, data FROM updates WHERE doc = ? ORDER BY id');
    this.deleteUpdatesThrough = this.db.prepare('DELETE FROM updates WHERE doc = ? AND id <= ?');
    this.sumLogBytes = this.db.prepare('SELECT SUM(LENGTH(data)) AS bytes FROM updates WHERE doc = ?');
    this.writeSnapshot = this.db.prepare(`
      INSERT INTO snapshots (name, snapshot, state_vector) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector`);
    this.recordSizes = this.db.prepare(
      'UPDATE documents SET snapshot_bytes = ?, log_bytes = ? WHERE name = ?',
    );
    this.updateTitle = this.db.prepare('UPDATE documents SET title = ? WHERE name = ?');
    const listColumns = 'name, title, created_at, updated_at, snapshot_bytes + log_bytes AS bytes';
    this.selectAll = this.db.prepare(`SELECT ${listColumns} FROM documents ORDER BY updated_at DESC, name`);
    this.selectOne = this.db.prepare(`SELECT ${listColumns} FROM documents WHERE name = ?`);

    this.commitBatch = this.db.transaction((batch: PendingAppend[]) => {
      const now = Date.now();
      const bytesByDoc = new Map<string, number>();
      const seqs: number[] = [];
      for (const { name, update } of batch) {
        seqs.push(Number(this.insertUpdate.run(name, update).lastInsertRowid));
        bytesByDoc.set(name, (bytesByDoc.get(name) ?? 0) + update.byteLength);
      }
      for (const [name, bytes] of bytesByDoc) {
        const touch = this.touches.get(name);
        if (touch !== undefined && now - touch.touchedAt < TOUCH_INTERVAL_MS) {
          touch.pendingBytes += bytes;
          touch.lastEditAt = now;
          continue;
        }
        this.touchDocument.run({ name, now, bytes: bytes + (touch?.pendingBytes ?? 0) });
        this.touches.set(name, { touchedAt: now, lastEditAt: now, pendingBytes: 0 });
      }
      return seqs;
    });

    this.writePendingTouches = this.db.transaction(() => {
      for (const [name, touch] of this.touches) {
        if (touch.pendingBytes > 0 || touch.lastEditAt > touch.touchedAt) {
          this.touchDocument.run({ name, now: touch.lastEditAt, bytes: touch.pendingBytes });
        }
      }
      this.touches = new Map();
    });

    this.compactTransaction = this.db.transaction(
      (name: string, snapshot: Uint8Array, stateVector: Uint8Array, throughSeq: number) => {
        this.deleteUpdatesThrough.run(name, throughSeq);
        const logBytes = this.sumLogBytes.get(name)?.bytes ?? 0;
        this.writeSnapshot.run(name, snapshot, stateVector);
        this.recordSizes.run(snapshot.byteLength, logBytes, name);
      },
    );
  }

  async load(name: string): Promise<StoredDocument | null> {
    this.assertOpen();
    // Pending appends for this document must be visible to the loader.
    this.commitPending();
    const row = this.selectSnapshot.get(name);
    if (row === undefined) return null;
    const rows = this.selectUpdates.all(name);
    return {
      snapshot: row.snapshot === null ? null : new Uint8Array(row.snapshot),
      snapshotStateVector: row.state_vector === null ? null : new Uint8Array(row.state_vector),
      updates: rows.map((r) => new Uint8Array(r.data)),
      lastSeq: rows.length > 0 ? rows[rows.length - 1]!.id : 0,
    };
  }

  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ name, update, resolve, reject });
      if (!this.commitScheduled) {
        this.commitScheduled = true;
        setImmediate(() => this.commitPending());
      }
    });
  }

  async compact(
    name: string,
    snapshot: Uint8Array,
    stateVector: Uint8Array,
    throughSeq: number,
  ): Promise<void> {
    this.assertOpen();
    this.commitPending();
    this.writePendingTouches();
    this.compactTransaction(name, snapshot, stateVector, throughSeq);
  }

  async setTitle(name: string, title: string | null): Promise<void> {
    this.assertOpen();
    this.commitPending();
    this.updateTitle.run(title, name);
  }

  async list(): Promise<DocumentInfo[]> {
    this.assertOpen();
    this.commitPending();
    this.writePendingTouches();
    return this.selectAll.all().map(toInfo);
  }

  async info(name: string): Promise<DocumentInfo | null> {
    this.assertOpen();
    this.commitPending();
    this.writePendingTouches();
    const row = this.selectOne.get(name);
    return row === undefined ? null : toInfo(row);
  }

  async flush(): Promise<void> {
    this.commitPending();
    this.writePendingTouches();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.commitPending();
    this.writePendingTouches();
    this.closed = true;
    await this.checkpointer.stop();
    // The last connection to close checkpoints everything and removes the WAL.
    this.db.close();
  }

  /** Commits every pending append in one transaction and settles their promises. */
  private commitPending(): void {
    this.commitScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let seqs: number[];
    try {
      seqs = this.commitBatch(batch);
    } catch (error) {
      this.logger.error({ err: error, updates: batch.length }, 'group commit failed');
      for (const append of batch) append.reject(error);
      return;
    }
    batch.forEach((append, i) => append.resolve(seqs[i]!));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}
