import { useId, useState, type ReactNode } from 'react';
import { navigate } from './router.ts';

/** The one thing a writer may do from a dead end, beside going home. */
export interface DeadEndAction {
  label: string;
  busyLabel: string;
  /** Rejects with a message for the writer. */
  run: () => Promise<void>;
  /** Whether this, rather than going home, is the expected next step. */
  primary: boolean;
}

/**
 * A page where the way on is blocked (no such page, no document at a link, a deleted
 * document): what happened in plain words, a way home, and at most one action.
 */
export function DeadEnd({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: DeadEndAction;
}) {
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };
  const style = (primary: boolean) => (primary ? 'button-primary' : 'button-quiet');
  return (
    <section className="missing-document" aria-labelledby={titleId}>
      <h1 id={titleId}>{title}</h1>
      <p>{children}</p>
      <div className="missing-actions">
        <button type="button" className={style(!action?.primary)} onClick={() => navigate('/')}>
          Go to your documents
        </button>
        {action && (
          <button
            type="button"
            className={style(action.primary)}
            onClick={() => act(action.run)}
            disabled={busy}
          >
            {busy ? action.busyLabel : action.label}
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
