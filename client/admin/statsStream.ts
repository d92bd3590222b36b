import type { ApiErrorBody } from '../../shared/api.ts';
import { STATS_EVENT, STATS_PATH, type StatsSample } from '../../shared/stats.ts';

/** Where the stream stands, for the page's status line. */
export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting' }
  | { kind: 'refused'; status: number; message: string };

const streamUrl = (token: string | null) =>
  token === null ? STATS_PATH : `${STATS_PATH}?token=${encodeURIComponent(token)}`;

/**
 * Asks once whether the token may read the stream: EventSource hides HTTP statuses, and a
 * refused token must read as a refusal, not as a dashboard that never fills.
 */
async function refusal(token: string | null): Promise<StreamState | null> {
  const controller = new AbortController();
  try {
    const response = await fetch(streamUrl(token), { signal: controller.signal });
    if (response.ok) return null;
    const body = (await response.json().catch(() => null)) as ApiErrorBody | null;
    return { kind: 'refused', status: response.status, message: body?.error.message ?? response.statusText };
  } catch {
    return null; // Unreachable: EventSource will keep retrying.
  } finally {
    controller.abort();
  }
}

/**
 * Follows the stats stream. EventSource reconnects by itself (sending Last-Event-ID, so a
 * restarted server sends only newer samples); returns the function that stops following.
 */
export function followStats(
  token: string | null,
  onSample: (sample: StatsSample) => void,
  onState: (state: StreamState) => void,
): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  onState({ kind: 'connecting' });
  void refusal(token).then((refused) => {
    if (stopped) return;
    if (refused !== null) {
      onState(refused);
      return;
    }
    source = new EventSource(streamUrl(token));
    source.addEventListener('open', () => onState({ kind: 'live' }));
    source.addEventListener('error', () => onState({ kind: 'reconnecting' }));
    source.addEventListener(STATS_EVENT, (event) => {
      onSample(JSON.parse((event as MessageEvent<string>).data) as StatsSample);
    });
  });
  return () => {
    stopped = true;
    source?.close();
  };
}
