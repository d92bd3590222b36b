import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Role } from '../../shared/access.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { useChildServers } from '../helpers/childServer.ts';
import {
  CLIENT_VERSIONS,
  connectVersion,
  type ClientVersion,
  type VersionedClient,
} from '../helpers/clientVersions.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * y-websocket 1.5.4, 2.1.0, 3.0.0 and 3.1.0 (the clients in the field, issue 15) against one
 * server: every test puts all four in one room.
 */
const SECRET = 'm'.repeat(40);
const VERSIONS = CLIENT_VERSIONS.map((v) => v.version);

let server: TestServer;
let guarded: TestServer;
let clients: VersionedClient[] = [];
const childServers = useChildServers();

beforeAll(async () => {
  [server, guarded] = await Promise.all([startTestServer(), startTestServer({ authSecret: SECRET })]);
});

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
});

afterAll(async () => {
  await Promise.all([server.close(), guarded.close()]);
});

function join(
  version: ClientVersion,
  syncUrl: string,
  room: string,
  options: Parameters<typeof connectVersion>[3] = {},
) {
  const c = connectVersion(version, syncUrl, room, options);
  clients.push(c);
  return c;
}

const everyVersion = (syncUrl: string, room: string) => VERSIONS.map((v) => join(v, syncUrl, room));

/** Everything a client's document holds, in a form two documents can be compared by. */
function content(doc: Y.Doc) {
  return JSON.stringify({
    text: doc.getText('text').toString(),
    // Sorted: a map's JSON lists keys in each copy's own insertion order.
    map: Object.entries(doc.getMap('map').toJSON()).sort(([a], [b]) => a.localeCompare(b)),
    array: doc.getArray('array').toJSON(),
    xml: doc.getXmlFragment('xml').toString(),
  });
}

const stateVector = (doc: Y.Doc) => Buffer.from(Y.encodeStateVector(doc)).toString('base64');

async function converged(group: VersionedClient[], what: string) {
  await waitFor(
    () => group.every((c) => stateVector(c.doc) === stateVector(group[0]!.doc)),
    () => `${what}: ${group.map((c) => `${c.version} ${content(c.doc).slice(0, 60)}`).join(' | ')}`,
  );
  for (const c of group) expect(content(c.doc), c.version).toBe(content(group[0]!.doc));
}

/** Each client edits every shared type at once, before any of them has seen the others. */
function editConcurrently(group: VersionedClient[], round: string) {
  for (const c of group) {
    const tag = `${c.version}/${round}`;
    c.doc.transact(() => {
      c.doc.getText('text').insert(0, `[${tag}]`);
      c.doc.getMap('map').set(tag, c.doc.clientID);
      c.doc.getArray('array').push([tag]);
      const paragraph = new Y.XmlElement('p');
      paragraph.insert(0, [new Y.XmlText(tag)]);
      c.doc.getXmlFragment('xml').insert(0, [paragraph]);
    });
  }
}

describe('every client version in one room', () => {
  it.each(['playground/0/main', 'test-@y/websocket'])(
    'concurrent Text, Map, Array and XmlFragment edits converge in %j, and a late joiner of each version gets the whole document',
    async (room) => {
      const group = everyVersion(server.syncUrl, room);
      await Promise.all(group.map((c) => c.firstSync));
      editConcurrently(group, 'one');
      editConcurrently(group, 'two');
      await converged(group, 'the four versions to converge');
      expect(group[0]!.doc.getArray('array').length).toBe(8);
      expect(server.registry.hasRoom(room)).toBe(true);

      // Its first sync already holds everything: nothing is awaited after it.
      for (const version of VERSIONS) {
        const late = join(version, server.syncUrl, room);
        await late.firstSync;
        expect(content(late.doc), `late ${version}`).toBe(content(group[0]!.doc));
      }
    },
  );

  it('awareness is seen across versions, and each version’s leaving is seen by the others', async () => {
    const room = 'presence/all@versions';
    const present = (version: ClientVersion) => {
      const c = join(version, server.syncUrl, room);
      c.provider.awareness.setLocalStateField('user', { name: version });
      return c;
    };
    const group = VERSIONS.map(present);
    const sees = (watcher: VersionedClient, other: VersionedClient) =>
      watcher.provider.awareness.getStates().has(other.doc.clientID);
    const allSeeAll = () => group.every((a) => group.every((b) => sees(a, b)));
    await waitFor(allSeeAll, 'every client to see every other one');
    expect(group[3]!.provider.awareness.getStates().get(group[0]!.doc.clientID)).toMatchObject({
      user: { name: '1.5.4' },
    });

    // Each version leaves (a closed tab) and comes back (a reloaded one, with a new client ID).
    for (let i = 0; i < group.length; i++) {
      const leaving = group[i]!;
      leaving.destroy();
      const others = group.filter((c) => c !== leaving);
      await waitFor(
        () => others.every((c) => !sees(c, leaving)),
        `the others to see ${leaving.version} leave`,
      );
      group[i] = present(leaving.version);
      await waitFor(allSeeAll, `${leaving.version} to be seen again`);
    }
  });

  it('read-only sessions of every version sync and show presence, and their edits are dropped', async () => {
    const room = 'team/handbook';
    const writeToken = await signToken(SECRET, { sub: 'ada', doc: room, role: Role.Write }, 600);
    const readToken = await signToken(SECRET, { sub: 'bob', doc: 'team/*', role: Role.Read }, 600);
    const writer = join('3.1.0', guarded.syncUrl, room, { params: { token: writeToken } });
    await writer.firstSync;
    writer.doc.getText('text').insert(0, 'Only writers write.');
    const readers = VERSIONS.map((v) => join(v, guarded.syncUrl, room, { params: { token: readToken } }));
    await Promise.all(readers.map((r) => r.firstSync));
    for (const r of readers) expect(r.doc.getText('text').toString(), r.version).toBe('Only writers write.');

    for (const r of readers) {
      r.doc.getText('text').insert(0, `${r.version} was here. `);
      // Frames of one socket are handled in order: once its presence arrives, its edit has too.
      r.provider.awareness.setLocalStateField('done', r.version);
    }
    await waitFor(
      () =>
        readers.every((r) => writer.provider.awareness.getStates().get(r.doc.clientID)?.done === r.version),
      'the writer to see every reader’s presence',
    );
    expect(writer.doc.getText('text').toString()).toBe('Only writers write.');
    const late = join('1.5.4', guarded.syncUrl, room, { params: { token: readToken } });
    await late.firstSync;
    expect(late.doc.getText('text').toString()).toBe('Only writers write.');
  });
});

describe('every client version across a restart and a crash', () => {
  it('all reconnect after a restart (1012) and after kill -9, and keep converging', async () => {
    const dataDir = tempDataDir();
    const first = await childServers.spawn({ DATA_DIR: dataDir });
    const port = String(first.port);
    const group = everyVersion(first.syncUrl, 'ops/runbook@prod');
    const closes = new Map<ClientVersion, number[]>(VERSIONS.map((v) => [v, []]));
    for (const c of group) {
      c.provider.on('connection-close', (event: CloseEvent | null) => {
        if (event) closes.get(c.version)!.push(event.code);
      });
    }
    await Promise.all(group.map((c) => c.firstSync));
    editConcurrently(group, 'before');
    await converged(group, 'edits before the restart');

    first.process.kill('SIGTERM');
    await first.exited;
    await waitFor(() => [...closes.values()].every((codes) => codes.length > 0), 'every client to be closed');
    for (const [version, codes] of closes) expect(codes[0], version).toBe(CloseCode.ServiceRestart);

    const second = await childServers.spawn({ DATA_DIR: dataDir, PORT: port });
    await waitFor(
      () => group.every((c) => c.provider.synced),
      'every version to reconnect after the restart',
    );
    editConcurrently(group, 'after-restart');
    await converged(group, 'edits after the restart');

    second.process.kill('SIGKILL');
    await second.exited;
    await waitFor(() => group.every((c) => !c.provider.wsconnected), 'every client to notice the crash');
    // Made while the server is down: each client uploads its own on reconnect.
    editConcurrently(group, 'while-down');
    const third = await childServers.spawn({ DATA_DIR: dataDir, PORT: port });
    await waitFor(() => group.every((c) => c.provider.synced), 'every version to reconnect after the crash');
    await converged(group, 'edits made while the server was down');
    expect(group[0]!.doc.getArray('array').length).toBe(12);

    const late = join('2.1.0', third.syncUrl, 'ops/runbook@prod');
    await late.firstSync;
    expect(content(late.doc)).toBe(content(group[0]!.doc));
  });
});

describe('every client version after a final refusal', () => {
  it('3.1 stops at the close; older versions are then refused over HTTP and back off', async () => {
    const expired = await signToken(SECRET, { sub: 'stale', doc: 'stale', role: Role.Write }, -10);
    type Attempt = 'opened' | 'refused-by-http' | 'pending';
    const attempts = new Map<ClientVersion, Attempt[]>(VERSIONS.map((v) => [v, []]));
    const closes = new Map<ClientVersion, number[]>(VERSIONS.map((v) => [v, []]));
    const group = VERSIONS.map((version) => {
      const log = attempts.get(version)!;
      class RecordingWebSocket extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols);
          const index = log.push('pending') - 1;
          this.on('open', () => (log[index] = 'opened'));
          // ws reports a refused upgrade as an error naming the status; the socket never opens.
          this.on('error', (error) => {
            if (error.message.includes('Unexpected server response: 401')) log[index] = 'refused-by-http';
          });
        }
      }
      const c = join(version, guarded.syncUrl, `stale-${version}`, {
        params: { token: expired },
        WebSocketClass: RecordingWebSocket,
      });
      c.provider.on('connection-close', (event: CloseEvent | null) => {
        if (event) closes.get(version)!.push(event.code);
      });
      return c;
    });
    // 1 close, then 3 HTTP refusals: about 2.5 s of the old clients' backoff and the held answers.
    const older = group.filter((c) => c.version !== '3.1.0');
    await waitFor(
      () => older.every((c) => attempts.get(c.version)!.filter((a) => a !== 'pending').length >= 4),
      () => `four attempts each: ${JSON.stringify(Object.fromEntries(attempts))}`,
    );
    for (const c of older) {
      expect(attempts.get(c.version)!.slice(0, 4), c.version).toEqual([
        'opened',
        'refused-by-http',
        'refused-by-http',
        'refused-by-http',
      ]);
      expect(closes.get(c.version)![0], c.version).toBe(CloseCode.Unauthorized);
    }
    expect(attempts.get('3.1.0')).toEqual(['opened']);
    expect(closes.get('3.1.0')).toEqual([CloseCode.Unauthorized]);
  });
});
