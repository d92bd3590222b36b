import './ExportMenu.css';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

/** Where a document's export lives (the token rides along as `?token=` in auth mode). */
function exportUrl(name: string, format: string, token: string | null, version: string | undefined): string {
  const query = new URLSearchParams({ format });
  if (version !== undefined) query.set('version', version);
  if (token) query.set('token', token);
  return `/api/docs/${encodeURIComponent(name)}/export?${query}`;
}

const FORMATS = [
  { format: 'md', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
  { format: 'json', label: 'JSON' },
] as const;

interface Props {
  name: string;
  token: string | null;
  /** Export this saved version instead of the document as it is now. */
  version?: string;
  /** The button's words ("Download", "Download this version"). */
  label: string;
  /** Which way the list opens: up at the foot of the page, down at the top of a panel. */
  opens?: 'up' | 'down';
}

/**
 * A menu button (WAI-ARIA menu pattern): the button opens a list of formats, arrow keys move
 * between them, Escape closes it and gives focus back. The server renders the file.
 */
export function ExportMenu({ name, token, version, label, opens = 'up' }: Props) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const closeOutside = (event: PointerEvent) => {
      if (!menu.current?.parentElement?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const target = {
      ArrowDown: all[(index + 1) % all.length],
      ArrowUp: all[(index - 1 + all.length) % all.length],
      Home: all[0],
      End: all.at(-1),
    }[event.key];
    if (target !== undefined) {
      event.preventDefault();
      target.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className={`export-menu export-menu-${opens}`}>
      <button
        ref={button}
        type="button"
        className="button-quiet"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label}
      </button>
      <ul id={menuId} ref={menu} role="menu" aria-label={label} hidden={!open} onKeyDown={onMenuKeyDown}>
        {FORMATS.map(({ format, label: formatLabel }) => (
          <li key={format} role="none">
            <a
              role="menuitem"
              tabIndex={-1}
              href={exportUrl(name, format, token, version)}
              download
              onClick={() => setOpen(false)}
            >
              {formatLabel}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
