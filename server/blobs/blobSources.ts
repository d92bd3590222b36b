import * as Y from 'yjs';

type DecodedStructs = ReturnType<typeof Y.decodeUpdate>['structs'];

/**
 * This server's image URL, alone or after an origin: a browser copying an `<img>` between
 * pages puts its src on the clipboard made absolute. Another server's URL with the same hash
 * only keeps identical bytes alive, which is harmless.
 */
const BLOB_SRC = /^(?:https?:\/\/[^/?#\s]+)?\/blobs\/([0-9a-f]{64})$/;

/**
 * The blob hashes a decoded Yjs update writes as image sources: every attribute value that
 * is a `/blobs/<hash>` URL. The attribute's key is not checked on purpose: an update carries
 * it only for a key's first value (an overwrite names its predecessor instead, e.g. the
 * editor setting `src` on a placeholder image), so looking for `src` alone would miss those.
 * A typing update holds no attribute values at all, so this costs nothing on the hot path.
 */
export function blobHashesIn(structs: DecodedStructs): readonly string[] {
  let hashes: Set<string> | null = null;
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue;
    for (const value of struct.content.arr) {
      const hash = typeof value === 'string' ? BLOB_SRC.exec(value)?.[1] : undefined;
      if (hash !== undefined) (hashes ??= new Set()).add(hash);
    }
  }
  return hashes === null ? NONE : [...hashes];
}

const NONE: readonly string[] = [];

/** `blobHashesIn` for an encoded update (a document's initial content, a restore). */
export const blobHashesInUpdate = (update: Uint8Array): readonly string[] =>
  blobHashesIn(Y.decodeUpdate(update).structs);
