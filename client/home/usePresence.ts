import { useEffect, useState } from 'react';
import type { Presence } from '../../shared/api.ts';
import { fetchPresence } from '../api.ts';

/** How often the list asks who is where; presence is a glance, not a live cursor. */
const POLL_MS = 5_000;

const NOBODY: Presence['documents'] = {};

/**
 * Who is in each document, asked every few seconds while the page is visible (a hidden
 * tab asks nothing, and asks at once when shown again). Failures keep the last answer.
 */
export function usePresence(token: string | null, enabled: boolean): Presence['documents'] {
  const [present, setPresent] = useState(NOBODY);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      clearTimeout(timer);
      if (document.visibilityState !== 'visible') return;
      fetchPresence(token).then(
        (answer) => !cancelled && setPresent(answer.documents),
        () => {},
      );
      timer = setTimeout(poll, POLL_MS);
    };
    poll();
    document.addEventListener('visibilitychange', poll);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', poll);
    };
  }, [token, enabled]);
  return present;
}
