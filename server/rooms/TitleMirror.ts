import type * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { DocCatalogue } from '../storage/DocCatalogue.ts';
import { readTitle } from './documentTitle.ts';
import { isTransactionOrigin } from './origins.ts';
import type { RoomObserver, RoomObserverFactory } from './RoomObserver.ts';

/**
 * Copies the editor's title from a room's document to the catalogue, so that the document
 * list shows it without loading the document. Only changes are written, one write at a time
 * (two in flight on different database connections could land in either order, leaving an
 * older title listed), the newest pending title replacing any older one waiting.
 *
 * With several instances each writes the titles its own commits make, and takes note of the
 * ones other instances' entries bring (their instance writes those): otherwise a title
 * changed there and changed back here would look unchanged here and never be written. A
 * listing left stale anyway (two instances' writes crossing, or a failed write) is corrected
 * when the document next loads.
 */
class TitleMirror implements RoomObserver {
  /** The title the catalogue holds, as far as this instance knows. */
  private listed: string | null = null;
  /** The newest title to write once the write in flight is done; undefined: none. */
  private waiting: string | null | undefined = undefined;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly name: string,
    private readonly catalogue: Pick<DocCatalogue, 'setTitle' | 'info'>,
    private readonly logger: Logger,
  ) {}

  loaded(doc: Y.Doc): void {
    this.listed = readTitle(doc);
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      const { origin } = transaction;
      if (isTransactionOrigin(origin) && origin.kind === 'remote') this.listed = readTitle(doc);
    });
    this.catalogue.info(this.name).then(
      (info) => {
        if (info !== null && info.title !== this.listed) this.write(info.title, readTitle(doc));
      },
      (error: unknown) =>
        this.logger.error({ err: error, doc: this.name }, 'could not read the listed title'),
    );
  }

  committed(doc: Y.Doc): void {
    this.write(this.waiting === undefined ? this.listed : this.waiting, readTitle(doc));
  }

  /** Before the room unloads: the titles are written. */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  /** Writes `title` unless `known` (listed, or waiting to be) is the same already. */
  private write(known: string | null, title: string | null): void {
    if (title === known) return;
    if (this.writing !== null) {
      this.waiting = title;
      return;
    }
    this.listed = title;
    this.writing = this.catalogue
      .setTitle(this.name, title)
      .catch((error: unknown) =>
        this.logger.error({ err: error, doc: this.name }, 'could not record the title'),
      )
      .finally(() => {
        this.writing = null;
        const next = this.waiting;
        this.waiting = undefined;
        if (next !== undefined) this.write(this.listed, next);
      });
  }
}

/** Mirrors every room's editor title into the catalogue. */
export function mirrorTitles(
  catalogue: Pick<DocCatalogue, 'setTitle' | 'info'>,
  logger: Logger,
): RoomObserverFactory {
  return (name) => new TitleMirror(name, catalogue, logger);
}
