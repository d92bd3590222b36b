/**
 * One-time data backfills: work a schema migration needs done that SQL cannot do, such as
 * reading the Yjs updates a document is stored as. The migration records the backfill's
 * name; the server runs each recorded one after opening the storage and before it serves
 * (`server/backfills/runBackfills.ts`), then marks it finished. A backfill is idempotent, so
 * one cut short by a crash simply runs again at the next start.
 */
export interface PendingBackfills {
  /** Names of the backfills recorded and not yet finished. */
  pending(): Promise<string[]>;
  /** Marks one finished: it never runs again on this database. Finishing one not pending does nothing. */
  finish(name: string): Promise<void>;
}
