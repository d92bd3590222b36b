import { createDocument } from '../api.ts';
import { DeadEnd } from '../DeadEnd.tsx';

/**
 * A link to a document that does not exist: said plainly, with a way home. Creating it
 * takes an explicit click, so a mistyped or truncated link never looks like wiped content.
 */
export function MissingDocument({
  name,
  token,
  canCreate,
  onCreated,
}: {
  name: string;
  token: string | null;
  canCreate: boolean;
  onCreated: () => void;
}) {
  const create = async () => {
    await createDocument('', token, name);
    onCreated();
  };
  return (
    <DeadEnd
      title="No document at this link"
      action={
        canCreate ? { label: 'Create it', busyLabel: 'Creating…', run: create, primary: false } : undefined
      }
    >
      Check that the link is complete: links that were cut short or mistyped lead here. Nothing has been
      created or changed.
    </DeadEnd>
  );
}
