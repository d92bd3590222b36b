/**
 * Asked the first time someone types without a name: a note beside the header, not a
 * dialog, so it never takes the keystrokes that follow.
 */
export function NameHint({ guestName, onSetName }: { guestName: string; onSetName: () => void }) {
  return (
    <p className="name-hint">
      Others see you as <strong>{guestName}</strong>.{' '}
      <button type="button" className="link-button" onClick={onSetName}>
        Set your name
      </button>
    </p>
  );
}
