import { restoreDocument } from '../api.ts';
import { DeadEnd } from '../DeadEnd.tsx';

/**
 * A link to a deleted document, said plainly: in the trash, with Restore for writers; or
 * purged (the trash was emptied), with nothing to restore and only the way home.
 */
export function DeletedDocument({
  name,
  token,
  purged,
  canRestore,
  onRestored,
}: {
  name: string;
  token: string | null;
  purged: boolean;
  canRestore: boolean;
  onRestored: () => void;
}) {
  if (purged) {
    return (
      <DeadEnd title="This document was permanently deleted">
        It was removed from the trash with all its content, and cannot be restored.
      </DeadEnd>
    );
  }
  const restore = async () => {
    await restoreDocument(name, token);
    onRestored();
  };
  return (
    <DeadEnd
      title="This document was deleted"
      action={
        canRestore ? { label: 'Restore', busyLabel: 'Restoring…', run: restore, primary: true } : undefined
      }
    >
      It is in the trash. Restoring it brings it back with all its content, for everyone who has the link.
    </DeadEnd>
  );
}
