import { useState, type FormEvent } from 'react';
import { VERSION_NAME_MAX_LENGTH } from '../../../shared/api.ts';

/** "Save version…": opens a one-field form that names the current state. */
export function SaveVersionForm({ onSave }: { onSave: (name: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open) {
    return (
      <button type="button" className="button-quiet history-save-open" onClick={() => setOpen(true)}>
        Save version…
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return setError('Give the version a name.');
    setSaving(true);
    setError(null);
    try {
      await onSave(name.trim());
      setName('');
      setOpen(false);
    } catch (failure) {
      setError((failure as Error).message);
    }
    setSaving(false);
  };

  return (
    <form className="history-save" onSubmit={submit}>
      <label htmlFor="version-name">Name this version</label>
      <div className="history-save-row">
        <input
          id="version-name"
          value={name}
          maxLength={VERSION_NAME_MAX_LENGTH}
          placeholder="Draft sent to the editor"
          onChange={(event) => setName(event.target.value)}
          autoFocus
          aria-invalid={error !== null}
          aria-describedby={error === null ? undefined : 'version-name-error'}
        />
        <button type="submit" className="button-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button-quiet" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p id="version-name-error" className="history-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
