import { useState } from 'react';
import { restoreDocument } from '../api.ts';
import { navigate } from '../router.ts';

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
  const [restoring, setRestoring] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const restore = async () => {
    setRestoring(true);
    setError(null);
    try {
      await restoreDocument(name, token);
      onRestored();
    } catch (failure) {
      setError((failure as Error).message);
      setRestoring(false);
    }
  };
  return (
    <section className="missing-document" aria-labelledby="deleted-title">
      <h1 id="deleted-title">This document was deleted</h1>
      <p>
        It is in the trash. Restoring it brings it back with all its content, for everyone who has the link.
      </p>
      <div className="missing-actions">
        <button type="button" className="button-quiet" onClick={() => navigate('/')}>
          Go to your documents
        </button>
        {canRestore && (
          <button type="button" className="button-primary" onClick={restore} disabled={restoring}>
            {restoring ? 'Restoring…' : 'Restore'}
          </button>
        )}
      </div>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
