import type { CollabState } from './CollabSession.ts';

/** What to say about the connection and saving, in one calm line. */
export function describeStatus(state: CollabState): { tone: 'ok' | 'busy' | 'offline'; text: string } {
  if (state.connection !== 'connected') {
    if (state.connection === 'connecting') return { tone: 'busy', text: 'Connecting…' };
    if (state.saved) return { tone: 'offline', text: 'Offline' };
    return {
      tone: 'offline',
      text: state.storedLocally
        ? 'Offline: changes kept on this device'
        : 'Offline: keeping changes on this device…',
    };
  }
  if (!state.saved) return { tone: 'busy', text: 'Saving…' };
  if (!state.serverSynced) return { tone: 'busy', text: 'Syncing…' };
  return { tone: 'ok', text: 'Saved' };
}

export function StatusIndicator({ state }: { state: CollabState }) {
  const { tone, text } = describeStatus(state);
  return (
    <p
      className={`status status-${tone}`}
      role="status"
      aria-live="polite"
      data-connection={state.connection}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text">{text}</span>
    </p>
  );
}
