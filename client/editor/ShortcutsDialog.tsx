import { useEffect, useRef } from 'react';
import { ALL_TOOLS, mod } from './tools.tsx';

/** Keys that are not toolbar buttons. */
const OTHER_KEYS: [string, string][] = [
  ['Tab / Shift+Tab', 'Indent / outdent a list item; a tab elsewhere'],
  ['Esc, then Tab', 'Leave the text for the rest of the page'],
  [`${mod}S`, 'Show whether everything is saved (Inkwell saves as you type)'],
  [`${mod}/`, 'This list'],
  ['- [ ] ', 'Start a checklist'],
  ['# , ## , ### ', 'Headings'],
  ['- , 1. , > , ```', 'List, numbered list, quote, code block'],
];

/** Every shortcut on one page (`Ctrl/⌘+/` or the toolbar's "?"). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const rows: [string, string][] = [
    ...ALL_TOOLS.filter((tool) => tool.shortcut).map((tool): [string, string] => [
      tool.shortcut!,
      tool.label,
    ]),
    ...OTHER_KEYS,
  ];
  return (
    <dialog
      ref={dialog}
      className="shortcuts-dialog"
      aria-labelledby="shortcuts-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {rows.map(([keys, what]) => (
            <tr key={keys + what}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
