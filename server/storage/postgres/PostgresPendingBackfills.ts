import type { Pool } from 'pg';
import type { PendingBackfills } from '../PendingBackfills.ts';

/**
 * `PendingBackfills` on the `pending_backfills` table of the PostgreSQL database. Instances
 * starting together may each run a pending backfill; they are idempotent, so that costs time
 * only, and the first to finish removes the row.
 */
export class PostgresPendingBackfills implements PendingBackfills {
  constructor(private readonly pool: Pool) {}

  async pending(): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>('SELECT name FROM pending_backfills');
    return rows.map((row) => row.name);
  }

  async finish(name: string): Promise<void> {
    await this.pool.query('DELETE FROM pending_backfills WHERE name = $1', [name]);
  }
}
