/**
 * Restoring a version: turns a live document into an old version's content as ONE ordinary
 * change, so that every collaborator (stock y-websocket clients too) receives it as an edit
 * and nobody is reset. The server commits that change for API restores; the editor applies
 * it in its own Y.Doc for an undoable restore. No I/O.
 */
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_TEXT } from './documentModel.ts';

/** A top-level node of the editor's fragment (y-prosemirror writes no hooks). */
type Block = Y.XmlElement | Y.XmlText;

/** A block's content in comparable form: name, attributes and children, or formatted text. */
function shapeOf(node: Block): unknown {
  if (node instanceof Y.XmlText) return node.toDelta();
  if (node instanceof Y.XmlElement) {
    return [node.nodeName, node.getAttributes(), node.toArray().map((child) => shapeOf(child as Block))];
  }
  return (node as Y.AbstractType<unknown>).toJSON();
}

/** Memoized block shapes, compared as JSON. */
class Shapes {
  private readonly cache = new Map<Block, string>();

  of(node: Block): string {
    let shape = this.cache.get(node);
    if (shape === undefined) this.cache.set(node, (shape = JSON.stringify(shapeOf(node))));
    return shape;
  }

  same(a: Block, b: Block): boolean {
    return this.of(a) === this.of(b);
  }
}

/**
 * Replaces the children of `live` with copies of `old`'s, keeping the unchanged leading and
 * trailing top-level blocks: carets and comments anchored in paragraphs the restore does not
 * touch stay where they are, and the change is as small as the difference at its ends.
 */
function replaceBlocks(live: Y.XmlFragment, old: Y.XmlFragment): void {
  const now = live.toArray() as Block[];
  const then = old.toArray() as Block[];
  const shapes = new Shapes();
  let head = 0;
  while (head < now.length && head < then.length && shapes.same(now[head]!, then[head]!)) head++;
  let tail = 0;
  while (
    tail < now.length - head &&
    tail < then.length - head &&
    shapes.same(now[now.length - 1 - tail]!, then[then.length - 1 - tail]!)
  ) {
    tail++;
  }
  const removed = now.length - head - tail;
  if (removed > 0) live.delete(head, removed);
  const inserted = then.slice(head, then.length - tail).map((block) => block.clone() as Block);
  if (inserted.length > 0) live.insert(head, inserted);
}

/** Replaces `live`'s text with `text`, touching only what lies between the common prefix and suffix. */
function replaceText(live: Y.Text, text: string): void {
  const now = live.toString();
  if (now === text) return;
  let head = 0;
  while (head < now.length && head < text.length && now[head] === text[head]) head++;
  let tail = 0;
  while (
    tail < now.length - head &&
    tail < text.length - head &&
    now[now.length - 1 - tail] === text[text.length - 1 - tail]
  ) {
    tail++;
  }
  live.delete(head, now.length - head - tail);
  live.insert(head, text.slice(head, text.length - tail));
}

/**
 * Changes `doc`'s title and editor content to those of the version whose full state is
 * `versionUpdate` (a Yjs update), in one transaction tagged `origin`. Anything else the
 * Y.Doc holds is left as it is. Throws when `versionUpdate` does not decode.
 */
export function restoreVersion(doc: Y.Doc, versionUpdate: Uint8Array, origin: unknown = null): void {
  const old = new Y.Doc();
  try {
    Y.applyUpdate(old, versionUpdate);
    doc.transact(() => {
      replaceText(doc.getText(TITLE_TEXT), old.getText(TITLE_TEXT).toString());
      replaceBlocks(doc.getXmlFragment(CONTENT_FRAGMENT), old.getXmlFragment(CONTENT_FRAGMENT));
    }, origin);
  } finally {
    old.destroy();
  }
}
