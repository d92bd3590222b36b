import { expect } from 'vitest';

export interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/**
 * Reads events of a `text/event-stream` response until `enough` says so (given every event
 * so far) or the stream ends, then stops reading.
 */
export async function readEventsUntil(
  response: Response,
  enough: (events: SseEvent[]) => boolean,
): Promise<SseEvent[]> {
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while (!enough(events) && (end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .filter((line) => line.startsWith(`${name}:`))
          .map((line) => line.slice(name.length + 1).trimStart())
          .join('\n');
      if (field('data') !== '') events.push({ id: field('id'), event: field('event'), data: field('data') });
    }
  }
  await reader.cancel();
  return events;
}

/** Reads `count` events of a `text/event-stream` response, then stops reading. */
export const readEvents = (response: Response, count: number): Promise<SseEvent[]> =>
  readEventsUntil(response, (events) => events.length >= count);
