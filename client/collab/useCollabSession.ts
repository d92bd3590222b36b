import { useEffect, useState, useSyncExternalStore } from 'react';
import { CollabSession, INITIAL_COLLAB_STATE, type CollabState } from './CollabSession.ts';

const NO_SESSION = () => () => {};

/**
 * Opens a document for as long as the component is mounted. The session is created in an
 * effect with a cleanup, so StrictMode's double mount creates and destroys one cleanly.
 */
export function useCollabSession(
  name: string,
  token: string | null,
): { session: CollabSession | null; state: CollabState } {
  const [session, setSession] = useState<CollabSession | null>(null);
  useEffect(() => {
    const opened = new CollabSession(name, token);
    setSession(opened);
    return () => {
      setSession(null);
      opened.destroy();
    };
  }, [name, token]);
  const state = useSyncExternalStore(
    session?.subscribe ?? NO_SESSION,
    session?.getState ?? (() => INITIAL_COLLAB_STATE),
  );
  return { session, state };
}
