import { useState } from 'react';
import { createDocument } from '../api.ts';
import { navigate } from '../router.ts';

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
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setCreating(true);
    setError(null);
    try {
      await createDocument('', token, name);
      onCreated();
    } catch (failure) {
      setError((failure as Error).message);
      setCreating(false);
    }
  };
  return (
    <section className="missing-document" aria-labelledby="missing-title">
      <h1 id="missing-title">No document at this link</h1>
      <p>
        Check that the link is complete: links that were cut short or mistyped lead here. Nothing has been
        created or changed.
      </p>
      <div className="missing-actions">
        <button type="button" className="button-primary" onClick={() => navigate('/')}>
          Go to your documents
        </button>
        {canCreate && (
          <button type="button" className="button-quiet" onClick={create} disabled={creating}>
            {creating ? 'Creating…' : 'Create it'}
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
