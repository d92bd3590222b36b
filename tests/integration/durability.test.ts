import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/closeCodes.ts';
import { useChildServers, type ChildServer } from '../helpers/childServer.ts';
import { covers, waitForConvergence } from '../helpers/clients.ts';
import { STORAGE_BACKENDS } from '../helpers/storageBackends.ts';
import { waitFor } from '../helpers/wait.ts';

const servers = useChildServers();
/** A server process storing where `storageEnv` says (a data directory or a database). */
const spawn = (storageEnv: Record<string, string>) => servers.spawn(storageEnv);
const client = (server: ChildServer, room: string) => servers.client(server, room);

describe.each(STORAGE_BACKENDS)('durability on $name', (backend) => {
  it('content survives SIGTERM and a restart, and clients are told to come back (1012)', async () => {
    const storageEnv = await backend.freshEnv();
    const first = await spawn(storageEnv);
    const writer = client(first, 'essay');
    const reader = client(first, 'essay');
    await writer.firstSync;
    writer.doc.getText('text').insert(0, 'It was a dark and stormy night.');
    await waitForConvergence([writer, reader]);
    const closeCodes: number[] = [];
    reader.provider.on(
      'connection-close',
      (event: CloseEvent | null) => event && closeCodes.push(event.code),
    );

    first.process.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => closeCodes.length > 0, 'the reader to be closed');
    expect(closeCodes[0]).toBe(CloseCode.ServiceRestart);
    writer.destroy();
    reader.destroy();

    const second = await spawn(storageEnv);
    const late = client(second, 'essay');
    await late.firstSync;
    expect(late.text()).toBe('It was a dark and stormy night.');
  });

  it.each([150, 400, 900])(
    'SIGKILL %i ms into fast typing loses nothing any client saw broadcast',
    async (killAfterMs) => {
      const storageEnv = await backend.freshEnv();
      const first = await spawn(storageEnv);
      const writer = client(first, 'typing');
      const observer = client(first, 'typing');
      await Promise.all([writer.firstSync, observer.firstSync]);

      // One update per keystroke, several keystrokes per event-loop turn.
      let typed = 0;
      const typing = setInterval(() => {
        for (let i = 0; i < 5; i++)
          writer.doc.getText('text').insert(typed++, String.fromCharCode(97 + (typed % 26)));
      }, 1);
      // Counted from the first broadcast, so that a loaded machine still kills mid-typing.
      await waitFor(() => observer.text().length > 0, 'the observer to see the first keystroke');
      await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      first.process.kill('SIGKILL');
      clearInterval(typing);
      // Cut both clients off at once, so neither can re-upload what the server lost.
      writer.provider.disconnect();
      observer.provider.disconnect();
      await first.exited;
      const seen = observer.text().length;
      expect(seen).toBeGreaterThan(0);

      const second = await spawn(storageEnv);
      const survivor = client(second, 'typing');
      await survivor.firstSync;
      expect(covers(survivor.doc, observer.doc)).toBe(true);
      // A single writer appending: what the observer saw is a prefix of what survived.
      expect(survivor.text().startsWith(observer.text())).toBe(true);
    },
  );
});
