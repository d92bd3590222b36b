import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.ts';
import { useChildServers, type ChildServer } from '../helpers/childServer.ts';
import { covers, waitForConvergence } from '../helpers/clients.ts';
import { freshDatabaseUrl, runSql, schemaOf, terminateConnections } from '../helpers/postgres.ts';
import { scrapeSample } from '../helpers/prometheusText.ts';
import { tempDataDir } from '../helpers/server.ts';
import { typeInto } from '../helpers/typing.ts';
import { waitFor } from '../helpers/wait.ts';

const servers = useChildServers();
const spawn = (databaseUrl: string, env: Record<string, string> = {}) =>
  servers.spawn({ DATA_DIR: tempDataDir(), DATABASE_URL: databaseUrl, ...env });
const client = (server: ChildServer, room: string, doc?: Y.Doc) => servers.client(server, room, doc);

const loadedDocuments = async (server: ChildServer) =>
  ((await (await fetch(`${server.url}/healthz`)).json()) as { documentsLoaded: number }).documentsLoaded;

describe('several instances on one PostgreSQL database', () => {
  it('numbers concurrent appends from two processes without gaps, and stores everything either accepted', async () => {
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([spawn(url), spawn(url)]);
    const onA = [client(a, 'shared'), client(a, 'shared')];
    const onB = [client(b, 'shared'), client(b, 'shared')];
    await Promise.all([...onA, ...onB].map((c) => c.firstSync));

    await Promise.all([typeInto(onA[0]!, 'a', 150), typeInto(onB[0]!, 'b', 150)]);
    // Each instance broadcast its writer's every keystroke, so stored them all.
    await waitForConvergence(onA);
    await waitForConvergence(onB);

    const entries = await runSql<{ seq: number }>(
      url,
      `SELECT seq::int FROM updates WHERE doc = 'shared' ORDER BY seq`,
    );
    const [{ last_seq: lastSeq }] = (await runSql<{ last_seq: number }>(
      url,
      `SELECT last_seq::int FROM documents WHERE name = 'shared'`,
    )) as [{ last_seq: number }];
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(lastSeq).toBeGreaterThanOrEqual(2);

    // Leaving unloads both rooms, and each compacts a Y.Doc that lacks the other's updates.
    for (const c of [...onA, ...onB]) c.provider.disconnect();
    await waitFor(
      async () => (await loadedDocuments(a)) === 0 && (await loadedDocuments(b)) === 0,
      'both instances to unload the document',
    );

    const stored = client(a, 'shared');
    await stored.firstSync;
    expect(covers(stored.doc, onA[0]!.doc) && covers(stored.doc, onB[0]!.doc)).toBe(true);
    const storedText = stored.text();
    expect(storedText.replace(/b/g, '')).toBe('a'.repeat(150));
    expect(storedText.replace(/a/g, '')).toBe('b'.repeat(150));

    // The writers come back to one instance: what they converge to is what was stored.
    const again = [client(a, 'shared', onA[0]!.doc), client(a, 'shared', onB[0]!.doc)];
    await waitForConvergence([stored, ...again]);
    expect(stored.text()).toBe(storedText);
  });

  it('loses no accepted edit when the database goes away mid-typing, and converges once it is back', async () => {
    const url = await freshDatabaseUrl();
    const schema = schemaOf(url);
    const server = await spawn(url, { DATABASE_STATEMENT_TIMEOUT_MS: '2000' });
    const writer = client(server, 'outage');
    const observer = client(server, 'outage');
    await Promise.all([writer.firstSync, observer.firstSync]);
    const closeCodes: number[] = [];
    writer.provider.on(
      'connection-close',
      (event: CloseEvent | null) => event && closeCodes.push(event.code),
    );

    const typing = typeInto(writer, 'x', 400);
    await waitFor(() => observer.text().length >= 50, 'the observer to see some typing');
    // Its connections end and its tables vanish: a database restart, for this test alone.
    await runSql(url, `ALTER SCHEMA ${schema} RENAME TO ${schema}_away`);
    await terminateConnections(url);
    const seenBefore = Y.encodeStateAsUpdate(observer.doc);

    await waitFor(() => closeCodes.includes(CloseCode.InternalError), 'the writer to be closed with 1011');
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    // The detail is the last failure's own text, and which failure comes last is timing: an
    // append cut off by the termination ("terminating connection …") or one on a fresh
    // connection that finds no tables ("… does not exist"). Both are the same outage.
    expect(await ready.json()).toMatchObject({
      reason: 'storage-failing',
      detail: expect.stringMatching(/\S/),
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The scrape says the same, for alerting without a probe of /readyz.
    expect(await scrapeSample(server.url, 'inkwell_ready')).toBe(0);
    expect(
      await scrapeSample(server.url, 'inkwell_storage_errors_total', { operation: 'append' }),
    ).toBeGreaterThan(0);

    await runSql(url, `ALTER SCHEMA ${schema}_away RENAME TO ${schema}`);
    await typing;
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).ok, '/readyz to recover');
    expect(await scrapeSample(server.url, 'inkwell_ready')).toBe(1);
    await waitForConvergence([writer, observer], 30_000);
    expect(writer.text()).toBe('x'.repeat(400));

    // Stored: a fresh instance on the database serves all of it, including what was seen before.
    const second = await spawn(url);
    const fresh = client(second, 'outage');
    await fresh.firstSync;
    const before = new Y.Doc();
    Y.applyUpdate(before, seenBefore);
    expect(covers(fresh.doc, before)).toBe(true);
    expect(fresh.text()).toBe('x'.repeat(400));
  });
});
