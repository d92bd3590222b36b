import type Database from 'better-sqlite3';
import type { Logger } from '../../logger.ts';
import type { DocLog, LogTail, StoredDocument } from '../DocLog.ts';
import type { Clock } from '../Storage.ts';

interface PendingAppend {
  name: string;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/**
 * While a document is being edited, its row (updated_at, log_bytes) is written at most this
 * often: one page less per keystroke. Readers (the catalogue) and compaction see exact values,
 * because they write what is pending first; a crash can leave updated_at up to this much
 * behind and log_bytes short, which the next compaction recounts.
 */
const TOUCH_INTERVAL_MS = 1000;

interface RowTouch {
  touchedAt: number;
  lastEditAt: number;
  pendingBytes: number;
}

/**
 * `DocLog` on a SQLite database in WAL mode (opened by `openSqliteStorage`).
 *
 * Appends are group-committed: every append made during one turn of the event loop is
 * written in a single transaction from a `setImmediate` callback, so a burst of keystrokes
 * from many sockets costs one commit. Statements are prepared once.
 */
export class SqliteDocLog implements DocLog {
  private pending: PendingAppend[] = [];
  /** Documents whose rows were touched recently, with what is not yet written to them. */
  private touches = new Map<string, RowTouch>();
  private commitScheduled = false;
  private closed = false;

  private readonly insertUpdate: Database.Statement<[{ doc: string; data: Uint8Array }], number>;
  private readonly touchDocument: Database.Statement<[{ name: string; now: number; bytes: number }]>;
  private readonly selectSnapshot: Database.Statement<
    [string],
    { snapshot: Buffer | null; state_vector: Buffer | null; through_seq: number | null }
  >;
  private readonly selectUpdates: Database.Statement<[string], { seq: number; data: Buffer }>;
  private readonly selectUpdatesAfter: Database.Statement<[string, number], { seq: number; data: Buffer }>;
  private readonly selectLastSeq: Database.Statement<{ name: string }, number | null>;
  private readonly deleteUpdatesThrough: Database.Statement<[string, number]>;
  private readonly sumLogBytes: Database.Statement<[string], { bytes: number | null }>;
  private readonly writeSnapshot: Database.Statement<[string, Uint8Array, Uint8Array, number]>;
  private readonly recordSizes: Database.Statement<[number, number, string]>;
  private readonly commitBatch: (batch: PendingAppend[]) => number[];
  private readonly writePendingTouches: () => void;
  private readonly compactTransaction: (
    name: string,
    snapshot: Uint8Array,
    stateVector: Uint8Array,
    throughSeq: number,
  ) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    // The next number: one past the newest entry, or past what the snapshot covers once
    // compaction has emptied the log (an index seek either way).
    this.insertUpdate = db
      .prepare(
        `INSERT INTO updates (doc, seq, data) VALUES (@doc, 1 + COALESCE(
           (SELECT MAX(seq) FROM updates WHERE doc = @doc),
           (SELECT through_seq FROM snapshots WHERE name = @doc), 0), @data)
         RETURNING seq`,
      )
      .pluck() as Database.Statement<[{ doc: string; data: Uint8Array }], number>;
    this.touchDocument = db.prepare(`
      INSERT INTO documents (name, created_at, updated_at, log_bytes) VALUES (@name, @now, @now, @bytes)
      ON CONFLICT (name) DO UPDATE SET updated_at = @now, log_bytes = log_bytes + @bytes`);
    this.selectSnapshot = db.prepare(`
      SELECT s.snapshot, s.state_vector, s.through_seq FROM documents d LEFT JOIN snapshots s ON s.name = d.name
      WHERE d.name = ?`);
    this.selectUpdates = db.prepare('SELECT seq, data FROM updates WHERE doc = ? ORDER BY seq');
    this.selectUpdatesAfter = db.prepare(
      'SELECT seq, data FROM updates WHERE doc = ? AND seq > ? ORDER BY seq',
    );
    this.selectLastSeq = db
      .prepare(
        `SELECT COALESCE((SELECT MAX(seq) FROM updates WHERE doc = @name),
           (SELECT through_seq FROM snapshots WHERE name = @name), 0)
         FROM documents WHERE name = @name`,
      )
      .pluck() as Database.Statement<{ name: string }, number | null>;
    this.deleteUpdatesThrough = db.prepare('DELETE FROM updates WHERE doc = ? AND seq <= ?');
    this.sumLogBytes = db.prepare('SELECT SUM(LENGTH(data)) AS bytes FROM updates WHERE doc = ?');
    this.writeSnapshot = db.prepare(`
      INSERT INTO snapshots (name, snapshot, state_vector, through_seq) VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector,
        through_seq = MAX(through_seq, excluded.through_seq)`);
    this.recordSizes = db.prepare('UPDATE documents SET snapshot_bytes = ?, log_bytes = ? WHERE name = ?');

    this.commitBatch = db.transaction((batch: PendingAppend[]) => {
      const now = this.clock();
      const bytesByDoc = new Map<string, number>();
      const seqs: number[] = [];
      for (const { name, update } of batch) {
        seqs.push(this.insertUpdate.get({ doc: name, data: update })!);
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

    this.writePendingTouches = db.transaction(() => {
      for (const [name, touch] of this.touches) {
        if (touch.pendingBytes > 0 || touch.lastEditAt > touch.touchedAt) {
          this.touchDocument.run({ name, now: touch.lastEditAt, bytes: touch.pendingBytes });
        }
      }
      this.touches = new Map();
    });

    this.compactTransaction = db.transaction(
      (name: string, snapshot: Uint8Array, stateVector: Uint8Array, throughSeq: number) => {
        this.deleteUpdatesThrough.run(name, throughSeq);
        const logBytes = this.sumLogBytes.get(name)?.bytes ?? 0;
        this.writeSnapshot.run(name, snapshot, stateVector, throughSeq);
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
      lastSeq: rows.at(-1)?.seq ?? row.through_seq ?? 0,
    };
  }

  async readAfter(name: string, afterSeq: number): Promise<LogTail | null> {
    this.assertOpen();
    this.commitPending();
    // Synchronous reads: no compaction can commit between them.
    const row = this.selectSnapshot.get(name);
    if (row === undefined) return null;
    const through = row.through_seq ?? 0;
    const folded = row.snapshot !== null && through > afterSeq;
    return {
      snapshot: folded ? { update: new Uint8Array(row.snapshot!), throughSeq: through } : null,
      entries: this.selectUpdatesAfter
        .all(name, Math.max(afterSeq, folded ? through : 0))
        .map((r) => ({ seq: r.seq, update: new Uint8Array(r.data) })),
    };
  }

  async lastSeqs(names: readonly string[]): Promise<Map<string, number>> {
    this.assertOpen();
    this.commitPending();
    const seqs = new Map<string, number>();
    for (const name of names) {
      const seq = this.selectLastSeq.get({ name });
      if (seq !== undefined && seq !== null) seqs.set(name, seq);
    }
    return seqs;
  }

  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
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
    this.writePending();
    this.compactTransaction(name, snapshot, stateVector, throughSeq);
  }

  async flush(): Promise<void> {
    this.writePending();
  }

  /**
   * Commits pending appends and writes the rows they touched, so that a reader of the
   * documents table (the catalogue, compaction) sees exact values. Throws once closed.
   */
  writePending(): void {
    this.assertOpen();
    this.commitPending();
    this.writePendingTouches();
  }

  /** Drops what is pending for a deleted document's row, which would otherwise come back. */
  forget(name: string): void {
    this.touches.delete(name);
  }

  /** Writes what is pending; later calls reject. */
  close(): void {
    if (this.closed) return;
    this.writePending();
    this.closed = true;
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
    if (this.closed) throw new Error('storage is closed');
  }
}
