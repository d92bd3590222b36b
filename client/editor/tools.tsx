import type { Editor } from '@tiptap/react';
import type { ReactNode } from 'react';

/** One toolbar button: what it shows, says and does, and its shortcut. */
export interface Tool {
  id: string;
  label: string;
  /** What the button shows: text, or a description of the picture in `glyph`. */
  icon: string;
  /** A drawn icon, for tools no character can show in every font. */
  glyph?: ReactNode;
  shortcut?: string;
  run: (editor: Editor, ui: ToolbarUi) => void;
  isActive?: (editor: Editor) => boolean;
  canRun?: (editor: Editor) => boolean;
}

/** What some tools open outside the editor itself. */
export interface ToolbarUi {
  openLink(): void;
  /** Opens the file picker for images to upload. */
  pickImage(): void;
  /** Opens the selected image's description (alt text) for editing. */
  describeImage(): void;
}

export const mod =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

const chain = (editor: Editor) => editor.chain().focus();

const mark = (id: string, label: string, icon: string, key: string, name = id): Tool => ({
  id,
  label,
  icon,
  shortcut: `${mod}${key}`,
  run: (e) => chain(e).toggleMark(name).run(),
  isActive: (e) => e.isActive(name),
});

/** The toolbar, group by group (a group is a visual cluster). */
export const TOOL_GROUPS: Tool[][] = [
  [
    mark('bold', 'Bold', 'B', 'B'),
    mark('italic', 'Italic', 'I', 'I'),
    mark('underline', 'Underline', 'U', 'U'),
    mark('strike', 'Strikethrough', 'S', 'Shift+S'),
    mark('highlight', 'Highlight', 'H', 'Shift+H'),
    mark('code', 'Inline code', '</>', 'E'),
    {
      id: 'link',
      label: 'Link',
      icon: 'link',
      glyph: (
        <svg
          viewBox="0 0 24 24"
          width="16"
          height="16"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          aria-hidden="true"
        >
          <path d="M10 13a5 5 0 0 0 7.07 0l3-3a5 5 0 0 0-7.07-7.07l-1.5 1.5" />
          <path d="M14 11a5 5 0 0 0-7.07 0l-3 3a5 5 0 0 0 7.07 7.07l1.5-1.5" />
        </svg>
      ),
      shortcut: `${mod}K`,
      run: (_e, ui) => ui.openLink(),
      isActive: (e) => e.isActive('link'),
    },
    { id: 'image', label: 'Insert image', icon: '🖼', run: (_e, ui) => ui.pickImage() },
    {
      id: 'image-alt',
      label: 'Image description',
      icon: 'Alt',
      run: (_e, ui) => ui.describeImage(),
      canRun: (e) => e.isActive('image'),
    },
  ],
  ([1, 2, 3] as const).map((level) => ({
    id: `h${level}`,
    label: `Heading ${level}`,
    icon: `H${level}`,
    shortcut: `${mod}Alt+${level}`,
    run: (e: Editor) => chain(e).toggleHeading({ level }).run(),
    isActive: (e: Editor) => e.isActive('heading', { level }),
  })),
  [
    {
      id: 'bullet-list',
      label: 'Bulleted list',
      icon: '•',
      shortcut: `${mod}Shift+8`,
      run: (e) => chain(e).toggleBulletList().run(),
      isActive: (e) => e.isActive('bulletList'),
    },
    {
      id: 'ordered-list',
      label: 'Numbered list',
      icon: '1.',
      shortcut: `${mod}Shift+7`,
      run: (e) => chain(e).toggleOrderedList().run(),
      isActive: (e) => e.isActive('orderedList'),
    },
    {
      id: 'task-list',
      label: 'Checklist',
      icon: '☑',
      shortcut: `${mod}Shift+9`,
      run: (e) => chain(e).toggleTaskList().run(),
      isActive: (e) => e.isActive('taskList'),
    },
    {
      id: 'blockquote',
      label: 'Quote',
      icon: '❝',
      shortcut: `${mod}Shift+B`,
      run: (e) => chain(e).toggleBlockquote().run(),
      isActive: (e) => e.isActive('blockquote'),
    },
    {
      id: 'code-block',
      label: 'Code block',
      icon: '{ }',
      shortcut: `${mod}Alt+C`,
      run: (e) => chain(e).toggleCodeBlock().run(),
      isActive: (e) => e.isActive('codeBlock'),
    },
    {
      id: 'table',
      label: 'Insert table',
      icon: '▦',
      run: (e) => chain(e).insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
      canRun: (e) => !e.isActive('table'),
    },
    { id: 'rule', label: 'Divider', icon: '―', run: (e) => chain(e).setHorizontalRule().run() },
  ],
  [
    {
      id: 'undo',
      label: 'Undo',
      icon: '↶',
      shortcut: `${mod}Z`,
      run: (e) => chain(e).undo().run(),
      canRun: (e) => e.can().undo(),
    },
    {
      id: 'redo',
      label: 'Redo',
      icon: '↷',
      shortcut: `${mod}Shift+Z`,
      run: (e) => chain(e).redo().run(),
      canRun: (e) => e.can().redo(),
    },
  ],
];

/** Shown only while the caret is in a table. */
export const TABLE_TOOLS: Tool[] = [
  { id: 'row-after', label: 'Add row below', icon: '+ Row', run: (e) => chain(e).addRowAfter().run() },
  { id: 'col-after', label: 'Add column right', icon: '+ Col', run: (e) => chain(e).addColumnAfter().run() },
  { id: 'row-delete', label: 'Delete row', icon: '− Row', run: (e) => chain(e).deleteRow().run() },
  { id: 'col-delete', label: 'Delete column', icon: '− Col', run: (e) => chain(e).deleteColumn().run() },
  {
    id: 'header-row',
    label: 'Header row',
    icon: 'Header',
    run: (e) => chain(e).toggleHeaderRow().run(),
    isActive: (e) => e.isActive('tableHeader'),
  },
  {
    id: 'table-delete',
    label: 'Delete table',
    icon: 'Delete table',
    run: (e) => chain(e).deleteTable().run(),
  },
];

export const ALL_TOOLS = [...TOOL_GROUPS.flat(), ...TABLE_TOOLS];

/**
 * A button's accessible name contains the text it shows (WCAG 2.5.3), so someone using
 * speech input can say "click H1": "H1, Heading 1" (axe wants the shown text first). Icons
 * that are pictures, not words ("•", "{ }"), need not appear.
 */
export function accessibleName(tool: Tool): string {
  const words = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
  const shown = words(tool.icon);
  return shown === '' || words(tool.label).includes(shown) ? tool.label : `${tool.icon}, ${tool.label}`;
}
