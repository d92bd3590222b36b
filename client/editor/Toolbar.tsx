import { useEditorState, type Editor } from '@tiptap/react';
import { useRef, type KeyboardEvent } from 'react';
import { ThemeToggle } from '../theme.tsx';
import {
  accessibleName,
  ALL_TOOLS,
  mod,
  TABLE_TOOLS,
  TOOL_GROUPS,
  type Tool,
  type ToolbarUi,
} from './tools.tsx';

interface Props {
  editor: Editor | null;
  disabled: boolean;
  ui: ToolbarUi;
  onShowShortcuts: () => void;
  onShowHistory: () => void;
}

/**
 * A keyboard-accessible toolbar: one tab stop, arrow keys move between buttons. On a phone
 * it is one row that scrolls sideways, so it never pushes the text down or wraps.
 */
export function Toolbar({ editor, disabled, ui, onShowShortcuts, onShowHistory }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) =>
      e === null
        ? null
        : {
            inTable: e.isActive('table'),
            tools: Object.fromEntries(
              ALL_TOOLS.map((tool) => [
                tool.id,
                { active: tool.isActive?.(e) ?? false, enabled: tool.canRun?.(e) ?? true },
              ]),
            ),
          },
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

  const button = (tool: Tool, first = false) => {
    const toolState = state?.tools[tool.id];
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
        onClick={() => editor && tool.run(editor, ui)}
      >
        {tool.glyph ?? tool.icon}
      </button>
    );
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting" ref={ref} onKeyDown={onKeyDown}>
      {TOOL_GROUPS.map((group, g) => (
        <div className="toolbar-group" key={g}>
          {group.map((tool, i) => button(tool, g === 0 && i === 0))}
        </div>
      ))}
      {state?.inTable && (
        <div className="toolbar-group toolbar-table" role="group" aria-label="Table">
          {TABLE_TOOLS.map((tool) => button(tool))}
        </div>
      )}
      <div className="toolbar-group toolbar-end">
        {/* Readers too: they may look at the history, only writers restore. */}
        <button
          type="button"
          className="tool tool-history"
          aria-haspopup="dialog"
          title="Version history"
          tabIndex={-1}
          onMouseDown={(event) => event.preventDefault()}
          onClick={onShowHistory}
        >
          History
        </button>
        <ThemeToggle className="tool" tabIndex={-1} />
        <button
          type="button"
          className="tool"
          aria-label="Keyboard shortcuts"
          title={`Keyboard shortcuts (${mod}/)`}
          tabIndex={-1}
          onMouseDown={(event) => event.preventDefault()}
          onClick={onShowShortcuts}
        >
          ?
        </button>
      </div>
    </div>
  );
}
