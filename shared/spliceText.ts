import type * as Y from 'yjs';

/**
 * Turns a Y.Text into `after` with one splice (the common start and end are kept), so a
 * concurrent edit elsewhere in the text merges instead of being overwritten. Callers that
 * need an origin wrap it in their own transaction.
 */
export function spliceText(text: Y.Text, after: string): void {
  const before = text.toString();
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  text.doc!.transact(() => {
    if (endBefore > start) text.delete(start, endBefore - start);
    if (endAfter > start) text.insert(start, after.slice(start, endAfter));
  });
}
