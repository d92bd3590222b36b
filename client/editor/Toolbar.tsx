import { useEditorState, type Editor } from '@tiptap/react';
import { useRef, type KeyboardEvent } from 'react';

interface Tool {
  id: string;
  label: string;
  icon: string;
  shortcut?: string;
  run: (editor: Editor) => void;
  isActive?: (editor: Editor) => boolean;
  canRun?: (editor: Editor) => boolean;
}

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

const chain = (editor: Editor) => editor.chain().focus();

const GROUPS: Tool[][] = [
  [
    {
      id: 'bold',
      label: 'Bold',
      icon: 'B',
      shortcut: `${mod}B`,
      run: (e) => chain(e).toggleBold().run(),
      isActive: (e) => e.isActive('bold'),
    },
    {
      id: 'italic',
      label: 'Italic',
      icon: 'I',
      shortcut: `${mod}I`,
      run: (e) => chain(e).toggleItalic().run(),
      isActive: (e) => e.isActive('italic'),
    },
    {
      id: 'underline',
      label: 'Underline',
      icon: 'U',
      shortcut: `${mod}U`,
      run: (e) => chain(e).toggleUnderline().run(),
      isActive: (e) => e.isActive('underline'),
    },
    {
      id: 'strike',
      label: 'Strikethrough',
      icon: 'S',
      shortcut: `${mod}Shift+S`,
      run: (e) => chain(e).toggleStrike().run(),
      isActive: (e) => e.isActive('strike'),
    },
    {
      id: 'code',
      label: 'Inline code',
      icon: '</>',
      shortcut: `${mod}E`,
      run: (e) => chain(e).toggleCode().run(),
      isActive: (e) => e.isActive('code'),
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

const TOOLS = GROUPS.flat();

/**
 * A button's accessible name contains the text it shows (WCAG 2.5.3), so someone using
 * speech input can say "click H1": "H1, Heading 1" (axe wants the shown text first). Icons
 * that are pictures, not words ("•", "{ }"), need not appear.
 */
function accessibleName(tool: Tool): string {
  const shown = tool.icon.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
  return shown === '' || tool.label.toLowerCase().includes(shown)
    ? tool.label
    : `${tool.icon}, ${tool.label}`;
}

/** A keyboard-accessible toolbar: one tab stop, arrow keys move between buttons. */
export function Toolbar({ editor, disabled }: { editor: Editor | null; disabled: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      e === null
        ? null
        : Object.fromEntries(
            TOOLS.map((tool) => [
              tool.id,
              { active: tool.isActive?.(e) ?? false, enabled: tool.canRun?.(e) ?? true },
            ]),
          ),
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    let target: HTMLButtonElement | undefined;
    if (step !== undefined) target = buttons[(index + step + buttons.length) % buttons.length];
    else if (event.key === 'Home') target = buttons[0];
    else if (event.key === 'End') target = buttons.at(-1);
    if (target === undefined) return;
    event.preventDefault();
    for (const b of buttons) b.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting" ref={ref} onKeyDown={onKeyDown}>
      {GROUPS.map((group, g) => (
        <div className="toolbar-group" key={g}>
          {group.map((tool) => {
            const toolState = state?.[tool.id];
            const first = tool === TOOLS[0];
            return (
              <button
                key={tool.id}
                type="button"
                className={`tool tool-${tool.id}`}
                aria-label={accessibleName(tool)}
                aria-pressed={tool.isActive ? (toolState?.active ?? false) : undefined}
                title={tool.shortcut ? `${tool.label} (${tool.shortcut})` : tool.label}
                tabIndex={first ? 0 : -1}
                disabled={disabled || editor === null || toolState?.enabled === false}
                // Keep the editor's selection: the button must not take focus on click.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => editor && tool.run(editor)}
              >
                {tool.icon}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
