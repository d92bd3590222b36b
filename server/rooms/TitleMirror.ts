import type * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { DocCatalogue } from '../storage/DocCatalogue.ts';
import { readTitle } from './documentTitle.ts';
import type { RoomObserver, RoomObserverFactory } from './RoomObserver.ts';

/**
 * Copies the editor's title from a room's document to the catalogue, so that the document
 * list shows it without loading the document. Only changes are written.
 */
class TitleMirror implements RoomObserver {
  private title: string | null = null;

  constructor(
    private readonly name: string,
    private readonly catalogue: Pick<DocCatalogue, 'setTitle'>,
    private readonly logger: Logger,
  ) {}

  loaded(doc: Y.Doc): void {
    this.title = readTitle(doc);
  }

  committed(doc: Y.Doc): void {
    const title = readTitle(doc);
    if (title === this.title) return;
    this.title = title;
    this.catalogue
      .setTitle(this.name, title)
      .catch((error: unknown) =>
        this.logger.error({ err: error, doc: this.name }, 'could not record the title'),
      );
  }
}

/** Mirrors every room's editor title into the catalogue. */
export function mirrorTitles(catalogue: Pick<DocCatalogue, 'setTitle'>, logger: Logger): RoomObserverFactory {
  return (name) => new TitleMirror(name, catalogue, logger);
}
