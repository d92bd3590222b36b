import type { TestClient } from './clients.ts';

/** Types `count` characters at the end, a few per event-loop turn, as a fast typist's editor does. */
export function typeInto(c: TestClient, letter: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    let typed = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 3 && typed < count; i++, typed++) {
        const text = c.doc.getText('text');
        text.insert(text.length, letter);
      }
      if (typed === count) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
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
