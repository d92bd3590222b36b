import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_TEXT } from './documentModel.ts';
import { spliceText } from './spliceText.ts';

type Block = Y.XmlElement | Y.XmlText;

/** Blocks compare by their XML (node name, sorted attributes, text with its formatting). */
const sameBlock = (a: Block, b: Block) => a.toString() === b.toString();

/**
 * Changes `doc` to the content and title of a version (`versionUpdate`: the version's full
 * state as a Yjs update) as one ordinary edit in one transaction tagged `origin`. Nobody is
 * reset: every client, stock y-websocket too, receives a normal update, and an undo manager
 * that tracks `origin` undoes the whole restore in one step.
 *
 * Top-level blocks equal at the start and the end of both are kept as they are, so carets and
 * concurrent edits in the unchanged part survive; the blocks in between are replaced by
 * copies of the version's (new items: the version's own were deleted, and may be gc'd).
 */
export function restoreVersion(doc: Y.Doc, versionUpdate: Uint8Array, origin: unknown): void {
  const version = new Y.Doc();
  try {
    Y.applyUpdate(version, versionUpdate);
    const wanted = version.getXmlFragment(CONTENT_FRAGMENT).toArray() as Block[];
    const wantedTitle = version.getText(TITLE_TEXT).toString();
    doc.transact(() => {
      const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
      const current = fragment.toArray() as Block[];
      let start = 0;
      while (start < current.length && start < wanted.length && sameBlock(current[start]!, wanted[start]!)) {
        start++;
      }
      let endCurrent = current.length;
      let endWanted = wanted.length;
      while (
        endCurrent > start &&
        endWanted > start &&
        sameBlock(current[endCurrent - 1]!, wanted[endWanted - 1]!)
      ) {
        endCurrent--;
        endWanted--;
      }
      if (endCurrent > start) fragment.delete(start, endCurrent - start);
      if (endWanted > start) {
        fragment.insert(
          start,
          wanted.slice(start, endWanted).map((block) => block.clone()),
        );
      }
      spliceText(doc.getText(TITLE_TEXT), wantedTitle);
    }, origin);
  } finally {
    version.destroy();
  }
}
