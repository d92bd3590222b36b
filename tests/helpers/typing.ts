import type { TestClient } from './clients.ts';

/**
 * Types `count` characters at the end, `perTick` per event-loop turn every `everyMs` (by
 * default a few every 2 ms, as a fast typist's editor does; each insert its own update).
 * Typing goes on while the client is offline: a Yjs client keeps its edits and sends them
 * when it reconnects.
 */
export function typeInto(
  c: TestClient,
  letter: string,
  count: number,
  { perTick = 3, everyMs = 2 }: { perTick?: number; everyMs?: number } = {},
): Promise<void> {
  return new Promise((resolve) => {
    let typed = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && typed < count; i++, typed++) typeOne(c, letter);
      if (typed === count) {
        clearInterval(timer);
        resolve();
      }
    }, everyMs);
  });
}

/**
 * Types `letter` at the end every `everyMs` until stopped: for typing that must go on across
 * something the test waits for (a Redis outage), however long that takes.
 */
export function keepTyping(c: TestClient, letter: string, everyMs = 5): { typed(): number; stop(): number } {
  let typed = 0;
  const timer = setInterval(() => {
    typeOne(c, letter);
    typed++;
  }, everyMs);
  return {
    typed: () => typed,
    stop: () => {
      clearInterval(timer);
      return typed;
    },
  };
}

function typeOne(c: TestClient, letter: string): void {
  const text = c.doc.getText('text');
  text.insert(text.length, letter);
}

/** Sets the client's awareness name, as the web app's presence does. */
export function setName(c: TestClient, name: string): void {
  c.provider.awareness.setLocalStateField('user', { name, color: '#336699' });
}

/** The names in the awareness states a client sees from the others. */
export function namesSeenBy(c: TestClient): string[] {
  const names: string[] = [];
  for (const [clientId, state] of c.provider.awareness.getStates()) {
    const name = (state as { user?: { name?: unknown } }).user?.name;
    if (clientId !== c.doc.clientID && typeof name === 'string') names.push(name);
  }
  return names;
}
