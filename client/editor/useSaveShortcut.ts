import { useEffect, useRef, useState } from 'react';
import type { CollabState } from '../collab/CollabSession.ts';

/** What Ctrl/⌘+S answers, in words for a writer. */
function saveAnswer(state: CollabState): string {
  if (state.refused !== null) {
    return state.saved
      ? 'This session has ended (see the notice above). Everything you wrote was saved.'
      : 'This session has ended (see the notice above). Your latest changes are kept in this browser.';
  }
  if (state.connection === 'connected') {
    return state.saved ? 'All changes are saved. Inkwell saves as you type.' : 'Saving your latest changes…';
  }
  return state.storedLocally
    ? 'You are offline. Your changes are kept on this device and sent when you reconnect.'
    : 'You are offline. Keeping your changes on this device…';
}

/**
 * Catches Ctrl/⌘+S, which writers press out of habit: instead of the browser's "Save page"
 * dialog they get the save state. Returns the message to show, or null.
 */
export function useSaveShortcut(state: CollabState): string | null {
  const [message, setMessage] = useState<string | null>(null);
  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    let hide: ReturnType<typeof setTimeout> | undefined;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== 's') return;
      event.preventDefault();
      setMessage(saveAnswer(latest.current));
      clearTimeout(hide);
      hide = setTimeout(() => setMessage(null), 4000);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      clearTimeout(hide);
    };
  }, []);
  return message;
}
