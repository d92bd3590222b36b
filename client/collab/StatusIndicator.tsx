import type { CollabState } from './CollabSession.ts';

interface StatusLine {
  tone: 'ok' | 'busy' | 'offline';
  text: string;
  /** The same on a phone, where the header has one line for status, people and sharing. */
  short?: string;
}

/** What to say about the connection and saving, in one calm line. */
export function describeStatus(state: CollabState): StatusLine {
  if (state.connection !== 'connected') {
    if (state.connection === 'connecting') return { tone: 'busy', text: 'Connecting…' };
    if (state.saved) return { tone: 'offline', text: 'Offline' };
    return state.storedLocally
      ? { tone: 'offline', text: 'Offline: changes kept on this device', short: 'Offline · kept here' }
      : { tone: 'offline', text: 'Offline: keeping changes on this device…', short: 'Offline · keeping…' };
  }
  if (!state.saved) return { tone: 'busy', text: 'Saving…' };
  if (!state.serverSynced) return { tone: 'busy', text: 'Syncing…' };
  return { tone: 'ok', text: 'Saved' };
}

export function StatusIndicator({ state }: { state: CollabState }) {
  const { tone, text, short } = describeStatus(state);
  return (
    <p
      className={`status status-${tone}`}
      role="status"
      aria-live="polite"
      data-connection={state.connection}
    >
      <span className="status-dot" aria-hidden="true" />
      {short === undefined ? (
        <span className="status-text">{text}</span>
      ) : (
        <>
          <span className="status-text status-long">{text}</span>
          <span className="status-text status-short" aria-hidden="true">
            {short}
          </span>
        </>
      )}
    </p>
  );
}
