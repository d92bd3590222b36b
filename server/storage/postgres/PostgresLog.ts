import type { Pool, QueryConfig } from 'pg';
import type { Logger } from '../../logger.ts';
import type { DocLog, LogTail, StoredDocument } from '../DocLog.ts';
import { DocumentPurgedError, StorageClosedError } from '../errors.ts';
import type { Clock } from '../Storage.ts';

interface PendingAppend {
  name: string;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/**
 * One group commit, one statement, one round trip: the documents' rows are upserted in name
 * order (so two instances committing batches over the same documents lock rows in the same
 * order and cannot deadlock), each taking as many numbers as it has entries in the batch
 * under its row lock; the entries are inserted with `base + row_number()`. Resolves with each
 * document's last number; the batch's order within a document is the order of its numbers.
 */
const APPEND: Omit<QueryConfig, 'values'> = {
  name: 'inkwell_append',
  text: `
    WITH batch AS (
      SELECT doc, data, ord FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS b (doc, data, ord)
    ), counts AS (
      -- A purged name stays gone: its appends are refused (DocumentPurgedError), not stored.
      SELECT doc, count(*) AS n, sum(octet_length(data)) AS bytes FROM batch
      WHERE NOT EXISTS (SELECT 1 FROM purged_documents p WHERE p.name = batch.doc)
      GROUP BY doc
    ), numbered AS (
      INSERT INTO documents AS d (name, created_at, updated_at, last_seq, log_bytes)
      SELECT doc, $3::bigint, $3::bigint, n, bytes FROM counts ORDER BY doc
      ON CONFLICT (name) DO UPDATE SET
        last_seq = d.last_seq + excluded.last_seq,
        updated_at = excluded.updated_at,
        log_bytes = d.log_bytes + excluded.log_bytes
      RETURNING d.name, d.last_seq
    ), inserted AS (
      INSERT INTO updates (doc, seq, data)
      SELECT b.doc, n.last_seq - c.n + row_number() OVER (PARTITION BY b.doc ORDER BY b.ord), b.data
      FROM batch b JOIN counts c ON c.doc = b.doc JOIN numbered n ON n.name = b.doc
    )
    SELECT name, last_seq FROM numbered`,
};

/**
 * Snapshot and the entries after it, read by one statement and therefore from one MVCC
 * snapshot: a compaction committing meanwhile on another instance cannot make the load see
 * the old snapshot without the entries it deleted.
 */
const LOAD: Omit<QueryConfig, 'values'> = {
  name: 'inkwell_load',
  text: `
    SELECT 0 AS part, coalesce(s.through_seq, 0) AS seq, s.snapshot AS data, s.state_vector
    FROM documents d LEFT JOIN snapshots s ON s.name = d.name WHERE d.name = $1
    UNION ALL
    SELECT 1, u.seq, u.data, NULL FROM updates u
    WHERE u.doc = $1 AND u.seq > coalesce((SELECT through_seq FROM snapshots WHERE name = $1), 0)
    ORDER BY part, seq`,
};

/**
 * What another instance missed: the entries after a number, and the snapshot when it covers
 * more than that number (a compaction deleted entries in between). One statement, so one
 * MVCC snapshot: a concurrent compaction is seen either wholly or not at all.
 */
const READ_AFTER: Omit<QueryConfig, 'values'> = {
  name: 'inkwell_read_after',
  text: `
    SELECT 0 AS part, coalesce(s.through_seq, 0) AS seq,
      CASE WHEN s.through_seq > $2::bigint THEN s.snapshot END AS data
    FROM documents d LEFT JOIN snapshots s ON s.name = d.name WHERE d.name = $1
    UNION ALL
    SELECT 1, u.seq, u.data FROM updates u WHERE u.doc = $1 AND u.seq > $2::bigint
    ORDER BY part, seq`,
};

const LAST_SEQS: Omit<QueryConfig, 'values'> = {
  name: 'inkwell_last_seqs',
  text: 'SELECT name, last_seq FROM documents WHERE name = ANY($1::text[])',
};

/**
 * Compaction, safe with several instances writing the document:
 * - the snapshot is replaced only by one that covers more (`ON CONFLICT ... WHERE`, which
 *   sees the latest committed row, not the statement's snapshot), so two instances
 *   compacting at once settle on the newer snapshot, whichever commits last;
 * - only entries up to `throughSeq` are deleted (the caller's snapshot holds them), never
 *   one appended meanwhile by anyone;
 * - sizes move by what this statement deleted, so concurrent appends' counts survive.
 * A document deleted meanwhile is left deleted.
 */
const COMPACT: Omit<QueryConfig, 'values'> = {
  name: 'inkwell_compact',
  text: `
    WITH written AS (
      INSERT INTO snapshots AS s (name, snapshot, state_vector, through_seq)
      SELECT $1, $2, $3, $4::bigint WHERE EXISTS (SELECT 1 FROM documents WHERE name = $1)
      ON CONFLICT (name) DO UPDATE SET
        snapshot = excluded.snapshot, state_vector = excluded.state_vector, through_seq = excluded.through_seq
      WHERE s.through_seq < excluded.through_seq
      RETURNING octet_length(s.snapshot) AS bytes
    ), dropped AS (
      DELETE FROM updates WHERE doc = $1 AND seq <= $4::bigint RETURNING octet_length(data) AS bytes
    )
    UPDATE documents SET
      snapshot_bytes = coalesce((SELECT bytes FROM written), snapshot_bytes),
      log_bytes = log_bytes - coalesce((SELECT sum(bytes) FROM dropped), 0)
    WHERE name = $1`,
};

/**
 * `DocLog` on PostgreSQL, shared by every instance of a deployment.
 *
 * Appends are group-committed over the network: those made during one turn of the event
 * loop go to the database as one statement (APPEND). One commit is in flight at a time;
 * appends made while it travels form the next batch, so a slower database means bigger
 * batches, not more round trips, and appends resolve in commit order.
 */
export class PostgresLog implements DocLog {
  private pending: PendingAppend[] = [];
  /** The commit under way, with any batches queued behind it; null when idle. */
  private committing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  /**
   * The newest append overall and per document (settled, never rejecting). Appends settle in
   * order, so waiting for the newest waits for all before it, and nothing after: on a busy
   * server a commit is always in flight, and "wait until idle" would wait forever.
   */
  private newest: Promise<unknown> = Promise.resolve();
  private readonly newestByDoc = new Map<string, Promise<unknown>>();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async load(name: string): Promise<StoredDocument | null> {
    this.assertOpen();
    // The loader must see this instance's own appends to the document.
    await this.newestByDoc.get(name);
    const { rows } = await this.pool.query<{
      part: number;
      seq: number;
      data: Buffer | null;
      state_vector: Buffer | null;
    }>({ ...LOAD, values: [name] });
    const [head, ...entries] = rows;
    if (head === undefined || head.part !== 0) return null;
    return {
      snapshot: head.data === null ? null : new Uint8Array(head.data),
      snapshotStateVector: head.state_vector === null ? null : new Uint8Array(head.state_vector),
      updates: entries.map((entry) => new Uint8Array(entry.data!)),
      lastSeq: entries.at(-1)?.seq ?? head.seq,
    };
  }

  async readAfter(name: string, afterSeq: number): Promise<LogTail | null> {
    this.assertOpen();
    const { rows } = await this.pool.query<{ part: number; seq: number; data: Buffer | null }>({
      ...READ_AFTER,
      values: [name, afterSeq],
    });
    const [head, ...entries] = rows;
    if (head === undefined || head.part !== 0) return null;
    return {
      snapshot: head.data === null ? null : { update: new Uint8Array(head.data), throughSeq: head.seq },
      entries: entries
        .filter((entry) => entry.seq > head.seq || head.data === null)
        .map((entry) => ({ seq: entry.seq, update: new Uint8Array(entry.data!) })),
    };
  }

  async lastSeqs(names: readonly string[]): Promise<Map<string, number>> {
    this.assertOpen();
    if (names.length === 0) return new Map();
    const { rows } = await this.pool.query<{ name: string; last_seq: number }>({
      ...LAST_SEQS,
      values: [names],
    });
    return new Map(rows.map((row) => [row.name, row.last_seq]));
  }

  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new StorageClosedError());
    const appended = new Promise<number>((resolve, reject) => {
      this.pending.push({ name, update, resolve, reject });
      this.schedule();
    });
    const settled = appended.catch(() => {});
    this.newest = settled;
    this.newestByDoc.set(name, settled);
    void settled.then(() => {
      if (this.newestByDoc.get(name) === settled) this.newestByDoc.delete(name);
    });
    return appended;
  }

  async compact(
    name: string,
    snapshot: Uint8Array,
    stateVector: Uint8Array,
    throughSeq: number,
  ): Promise<void> {
    this.assertOpen();
    await this.newestByDoc.get(name);
    await this.pool.query({ ...COMPACT, values: [name, snapshot, stateVector, throughSeq] });
  }

  /** Resolves once every append made before the call has settled. Rejects once closed. */
  async flush(): Promise<void> {
    this.assertOpen();
    await this.newest;
  }

  /** Resolves once every append to `name` made before the call has settled. */
  async settled(name: string): Promise<void> {
    this.assertOpen();
    await this.newestByDoc.get(name);
  }

  /** Settles what is pending; later calls reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.committing !== null) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  /** Commits batch after batch until nothing is pending. */
  private drain(): Promise<void> {
    this.committing ??= (async () => {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.commit(batch);
      }
    })().finally(() => {
      this.committing = null;
      // An append queued between the last check and now would otherwise wait for the next one.
      if (this.pending.length > 0) this.schedule();
    });
    return this.committing;
  }

  /** Commits one batch and settles its promises: every one resolves, or every one rejects. */
  private async commit(batch: PendingAppend[]): Promise<void> {
    let rows: { name: string; last_seq: number }[];
    try {
      ({ rows } = await this.pool.query<{ name: string; last_seq: number }>({
        ...APPEND,
        values: [batch.map((a) => a.name), batch.map((a) => a.update), this.clock()],
      }));
    } catch (error) {
      this.logger.error({ err: error, updates: batch.length }, 'group commit failed');
      for (const append of batch) append.reject(error);
      return;
    }
    const counts = new Map<string, number>();
    for (const { name } of batch) counts.set(name, (counts.get(name) ?? 0) + 1);
    const next = new Map(rows.map((row) => [row.name, row.last_seq - counts.get(row.name)! + 1]));
    for (const append of batch) {
      const seq = next.get(append.name);
      if (seq === undefined) {
        append.reject(new DocumentPurgedError(append.name));
        continue;
      }
      next.set(append.name, seq + 1);
      append.resolve(seq);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}
