import * as Y from 'yjs';
import { CloseCode, DeletedReason } from '../../shared/closeCodes.ts';
import { TITLE_TEXT } from '../../shared/documentModel.ts';
import { blobHashesInUpdate } from '../blobs/blobSources.ts';
import type { Logger } from '../logger.ts';
import type { BlobStore } from '../storage/BlobStore.ts';
import type { DocCatalogue, DocumentInfo, NewDocument } from '../storage/DocCatalogue.ts';
import type { DocLog } from '../storage/DocLog.ts';
import type { DocVersions } from '../storage/DocVersions.ts';
import type { Clock } from '../storage/Storage.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The rooms in memory, as far as deleting a document needs to know. */
interface LoadedRooms {
  evict(name: string, code: number, reason: string): Promise<void>;
}

interface LifecycleDeps {
  log: DocLog;
  catalogue: DocCatalogue;
  /** Images: a new document references those it shows; a purge frees those no other document references. */
  blobs: Pick<BlobStore, 'releaseDocument' | 'addReferences'>;
  /** Version history: a purge deletes it (the trash keeps it; a copy starts its own). */
  versions: Pick<DocVersions, 'removeDocument'>;
  rooms: LoadedRooms;
  /** Days a document stays in the trash before `purgeExpired` deletes it. */
  retentionDays: number;
  logger: Logger;
  clock?: Clock;
}

/**
 * Deleting (to the trash), restoring, purging and duplicating documents: the steps that
 * touch both the catalogue and the rooms in memory, in the order that keeps them consistent.
 */
export class DocumentLifecycle {
  private readonly clock: Clock;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly deps: LifecycleDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * Creates a document with its initial content (null when the name is taken or was purged).
   * The images the content shows (an import's `/blobs/` sources, a copy's images) are
   * referenced by it, so they outlive a purge of the document they were uploaded to.
   */
  async create(name: string, initial: NewDocument): Promise<DocumentInfo | null> {
    const created = await this.deps.catalogue.create(name, initial);
    if (created !== null) await this.deps.blobs.addReferences(name, blobHashesInUpdate(initial.content));
    return created;
  }

  /**
   * Moves a document to the trash and closes its open sessions with the final
   * DocumentDeleted code. The flag is set first, so a reconnect in between is refused.
   */
  async trash(name: string): Promise<boolean> {
    if (!(await this.deps.catalogue.trash(name))) return false;
    await this.deps.rooms.evict(name, CloseCode.DocumentDeleted, DeletedReason.Trashed);
    return true;
  }

  /** Takes a document out of the trash: clients may connect again. */
  restore(name: string): Promise<boolean> {
    return this.deps.catalogue.restore(name);
  }

  /**
   * Deletes a document in the trash for good (false when it is not in the trash, or, with
   * `trashedBy`, went there after that time). The name is remembered as purged: its links
   * say so, and connections to it are refused with 4410.
   */
  async purge(name: string, trashedBy?: number): Promise<boolean> {
    const info = await this.deps.catalogue.info(name);
    if (info?.deletedAt == null) return false;
    // A room that slipped in between trash and now must not append after the delete.
    await this.deps.rooms.evict(name, CloseCode.DocumentDeleted, DeletedReason.Purged);
    // The delete checks the trash again: a restore while the room was closing wins, and then
    // nothing of the document (its images and versions neither) is deleted.
    if (!(await this.deps.catalogue.delete(name, trashedBy))) return false;
    await this.deps.blobs.releaseDocument(name);
    await this.deps.versions.removeDocument(name);
    return true;
  }

  /**
   * Purges every document in the trash (the caller filters what it may see); with
   * `trashedBy`, only those still there since that time when their turn comes.
   */
  async purgeAll(names: readonly string[], trashedBy?: number): Promise<number> {
    let purged = 0;
    for (const name of names) if (await this.purge(name, trashedBy)) purged++;
    return purged;
  }

  /** Purges the documents that have been in the trash longer than the retention. */
  async purgeExpired(): Promise<number> {
    const cutoff = this.clock() - this.deps.retentionDays * DAY_MS;
    const expired = (await this.deps.catalogue.listTrash()).filter((d) => d.deletedAt! <= cutoff);
    return this.purgeAll(
      expired.map((d) => d.name),
      cutoff,
    );
  }

  /** Runs `purgeExpired` now and every `intervalMs` until `stop`. */
  startSweeping(intervalMs: number): void {
    const sweep = () =>
      void this.purgeExpired().then(
        (purged) =>
          purged > 0 && this.deps.logger.info({ purged }, 'purged expired documents from the trash'),
        (error: unknown) => this.deps.logger.error({ err: error }, 'could not purge the trash'),
      );
    sweep();
    this.sweeper = setInterval(sweep, intervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /**
   * Copies a document's committed content under a new name, titled `title`; null when the
   * source does not exist or the new name is taken.
   */
  async duplicate(source: string, copy: string, title: string): Promise<DocumentInfo | null> {
    const { log } = this.deps;
    await log.flush();
    const stored = await log.load(source);
    if (stored === null) return null;
    const doc = new Y.Doc();
    try {
      Y.transact(doc, () => {
        if (stored.snapshot !== null) Y.applyUpdate(doc, stored.snapshot);
        for (const update of stored.updates) Y.applyUpdate(doc, update);
        const text = doc.getText(TITLE_TEXT);
        text.delete(0, text.length);
        text.insert(0, title);
      });
      return await this.create(copy, { title, content: Y.encodeStateAsUpdate(doc) });
    } finally {
      doc.destroy();
    }
  }
}
