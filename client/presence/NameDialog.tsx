import { useEffect, useRef, useState, type FormEvent } from 'react';
import { NAME_MAX_LENGTH } from './identity.ts';

/** Asks for the name shown to others on your caret and avatar. */
export function NameDialog({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (name: string) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() !== '') onSave(name);
  };

  return (
    <dialog
      ref={dialog}
      className="name-dialog"
      aria-labelledby="name-dialog-title"
      onCancel={(event) => {
        // Escape: React closes the dialog by unmounting it, not the browser.
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit}>
        <h2 id="name-dialog-title">What should others call you?</h2>
        <p>Your name appears on your cursor and in the list of people in this document.</p>
        <input
          aria-label="Your name"
          autoFocus
          value={name}
          maxLength={NAME_MAX_LENGTH}
          onChange={(event) => setName(event.target.value)}
          placeholder="Your name"
        />
        <div className="dialog-actions">
          <button type="button" className="button-quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={name.trim() === ''}>
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
}
