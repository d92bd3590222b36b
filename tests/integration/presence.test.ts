import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(() => server.close());

const presence = async () =>
  (
    (await (await fetch(`${server.url}/api/presence`)).json()) as {
      documents: Record<string, { id: string; name: string; color: string }[]>;
    }
  ).documents;

describe('GET /api/presence', () => {
  it('lists who is in each loaded document, once per person, and forgets who left', async () => {
    const tabs = [connectClient(server.syncUrl, 'busy'), connectClient(server.syncUrl, 'busy')];
    const quiet = connectClient(server.syncUrl, 'nameless');
    await Promise.all([...tabs, quiet].map((c) => c.firstSync));
    for (const tab of tabs) {
      tab.provider.awareness.setLocalStateField('user', { id: 'ada-1', name: ' Ada ', color: '#ff0000' });
    }
    // A state without a proper user (a stock client, or a hostile one) is not a person.
    quiet.provider.awareness.setLocalStateField('user', { name: 42, color: 'red;x' });
    await waitFor(async () => (await presence()).busy !== undefined, 'Ada to be present');
    expect(await presence()).toEqual({ busy: [{ id: 'ada-1', name: 'Ada', color: '#ff0000' }] });

    for (const c of [...tabs, quiet]) c.destroy();
    await waitFor(async () => Object.keys(await presence()).length === 0, 'everyone to be gone');
  });
});
