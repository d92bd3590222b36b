import { restoreDocument } from '../api.ts';
import { DeadEnd } from '../DeadEnd.tsx';

/** A link to a document in the trash: said plainly, with Restore for writers. */
export function DeletedDocument({
  name,
  token,
  canRestore,
  onRestored,
}: {
  name: string;
  token: string | null;
  canRestore: boolean;
  onRestored: () => void;
}) {
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
