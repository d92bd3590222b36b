import { Extension, Mark } from '@tiptap/core';
import { ySyncPlugin } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

/** What y-tiptap's snapshot rendering puts on changed text and blocks. */
type YChangeAttrs = { type: 'added' | 'removed' } | null;

const changeType = (value: unknown) => (value as YChangeAttrs)?.type ?? null;

/**
 * Text added or removed since the previous version, as y-tiptap's renderer marks it (a mark
 * named `ychange`): `<ins>` and `<del>`, which screen readers announce and which carry an
 * underline and a strike-through besides their colour.
 */
const YChangeMark = Mark.create({
  name: 'ychange',
  inclusive: false,
  addAttributes: () => ({ type: { default: null } }),
  renderHTML({ HTMLAttributes }) {
    const added = HTMLAttributes.type === 'added';
    return [added ? 'ins' : 'del', { class: `ychange ychange-${added ? 'added' : 'removed'}` }, 0];
  },
});

/**
 * Whole blocks added or removed get the same attribute on the node; rendered as
 * `data-ychange` so the stylesheet can underline or strike them too.
 */
const YChangeBlocks = Extension.create({
  name: 'ychangeBlocks',
  addGlobalAttributes() {
    // Every block and inline node; text has no attributes and the document root never changes.
    const types = this.extensions
      .filter((extension) => extension.type === 'node' && !['text', 'doc'].includes(extension.name))
      .map((extension) => extension.name);
    return [
      {
        types,
        attributes: {
          ychange: {
            default: null,
            rendered: true,
            renderHTML: (attributes) => {
              const type = changeType(attributes.ychange);
              return type === null ? {} : { 'data-ychange': type };
            },
          },
        },
      },
    ];
  },
});

/**
 * Binds a read-only preview to a history document (versionDiff.ts). y-tiptap looks up the
 * author of each change in PermanentUserData; an empty one answers "nobody", which is what
 * the preview needs (it shows what changed, the version list says who).
 */
const PreviewSync = Extension.create<{ doc: Y.Doc | null; field: string }>({
  name: 'versionPreviewSync',
  addOptions: () => ({ doc: null, field: 'default' }),
  addProseMirrorPlugins() {
    const doc = this.options.doc!;
    return [
      ySyncPlugin(doc.getXmlFragment(this.options.field), {
        permanentUserData: new Y.PermanentUserData(doc),
      }),
    ];
  },
});

/** The extensions a version preview adds to the document's own. */
export function previewExtensions(doc: Y.Doc, field: string) {
  return [YChangeMark, YChangeBlocks, PreviewSync.configure({ doc, field })];
}
