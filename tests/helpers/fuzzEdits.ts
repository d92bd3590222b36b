import * as prng from 'lib0/prng';
import type * as Y from 'yjs';

/** One random edit of a fuzzed client's text: a deletion one time in four, else an insertion. */
export function randomEdit(gen: prng.PRNG, doc: Y.Doc): void {
  const text = doc.getText('text');
  if (text.length > 0 && prng.int32(gen, 0, 3) === 0) {
    const index = prng.int32(gen, 0, text.length - 1);
    text.delete(index, Math.min(prng.int32(gen, 1, 4), text.length - index));
  } else {
    text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 6));
  }
}
