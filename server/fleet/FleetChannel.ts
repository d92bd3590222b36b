import { INSTANCE_ROW_TTL_MS, type InstanceRow } from '../../shared/stats.ts';

/**
 * How instances tell each other their one-second figures, for the `/admin` rows: a doorbell,
 * not a store (a lost row is replaced a second later). Redis in production
 * (RedisFleetChannel); none for a single instance.
 */
export interface FleetChannel {
  /** Sends this instance's row to the others; never throws (a failed send is dropped). */
  publish(row: InstanceRow): void;
  /** Calls `listener` with each row another instance publishes. */
  onRow(listener: (row: InstanceRow) => void): void;
  close(): Promise<void>;
}

/**
 * The latest row of every instance heard from recently. Liveness is judged by when a row
 * arrived here, not by the `at` it carries, so clocks that disagree between machines do not
 * hide or keep rows.
 */
export class InstanceRoster {
  private readonly rows = new Map<string, { row: InstanceRow; heardAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  record(row: InstanceRow): void {
    this.rows.set(row.id, { row, heardAt: this.now() });
  }

  /** Rows renewed within INSTANCE_ROW_TTL_MS, plus `own`, ordered by id; forgets the others. */
  live(own: InstanceRow): InstanceRow[] {
    const now = this.now();
    const live = [own];
    for (const [id, { row, heardAt }] of this.rows) {
      if (now - heardAt > INSTANCE_ROW_TTL_MS) this.rows.delete(id);
      else if (id !== own.id) live.push(row);
    }
    return live.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
