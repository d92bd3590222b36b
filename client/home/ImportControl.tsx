import './ImportControl.css';
import { useRef, useState, type DragEvent } from 'react';
import { importDocument } from '../api.ts';
import { documentPath, navigate } from '../router.ts';
import { IMPORT_ACCEPT, importRequestFor } from './importFile.ts';

/** Why an import failed, worded for the writer (the server's 413 names the limit). */
function importFailure(fileName: string, error: Error & { status?: number }): string {
  if (error.status === 413) return `“${fileName}” is too large to import: ${error.message}.`;
  if (error.status !== undefined && error.status > 0)
    return `“${fileName}” could not be imported: ${error.message}.`;
  return error.message;
}

/**
 * Importing a file as a new document: read it, send it, open it. Nothing is created unless
 * the server accepted the whole file (it creates the document in one step or not at all).
 */
export function useFileImport(token: string | null) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const importFile = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const created = await importDocument(await importRequestFor(file), token);
      navigate(documentPath(created.name));
    } catch (failure) {
      setError(importFailure(file.name, failure as Error & { status?: number }));
      setBusy(false);
    }
  };
  /** Drag-and-drop of one file onto the list. */
  const [dropping, setDropping] = useState(false);
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  const dropTarget = {
    onDragOver: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDropping(true);
    },
    onDragLeave: (event: DragEvent) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
    },
    onDrop: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDropping(false);
      const [file] = event.dataTransfer.files;
      if (file) void importFile(file);
    },
  };
  return { importFile, busy, error, dropping, dropTarget };
}

/** "Import…": a button that opens the file chooser. */
export function ImportButton({ busy, onFile }: { busy: boolean; onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="button-quiet" disabled={busy} onClick={() => input.current?.click()}>
        {busy ? 'Importing…' : 'Import…'}
      </button>
      <input
        ref={input}
        type="file"
        accept={IMPORT_ACCEPT}
        hidden
        aria-label="File to import"
        onChange={(event) => {
          const [file] = event.target.files ?? [];
          event.target.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
