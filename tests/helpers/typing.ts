import type { TestClient } from './clients.ts';

/**
 * Appends `count` copies of `letter` to the client's text, `perTick` at a time every `everyMs`,
 * as a typist's editor does (each insert its own update). Typing goes on while the client is
 * offline: a Yjs client keeps its edits and sends them when it reconnects.
 */
export function typeLetters(
  c: TestClient,
  letter: string,
  count: number,
  { perTick = 3, everyMs = 2 }: { perTick?: number; everyMs?: number } = {},
): Promise<void> {
  return new Promise((resolve) => {
    let typed = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && typed < count; i++, typed++) {
        const text = c.doc.getText('text');
        text.insert(text.length, letter);
      }
      if (typed === count) {
        clearInterval(timer);
        resolve();
      }
    }, everyMs);
  });
}
