import type Database from 'better-sqlite3';
import type { PendingBackfills } from '../PendingBackfills.ts';

/** `PendingBackfills` on the `pending_backfills` table of the documents' SQLite database. */
export class SqlitePendingBackfills implements PendingBackfills {
  private readonly selectPending: Database.Statement<[], { name: string }>;
  private readonly deletePending: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.selectPending = db.prepare('SELECT name FROM pending_backfills');
    this.deletePending = db.prepare('DELETE FROM pending_backfills WHERE name = ?');
  }

  async pending(): Promise<string[]> {
    return this.selectPending.all().map((row) => row.name);
  }

  async finish(name: string): Promise<void> {
    this.deletePending.run(name);
  }
}
