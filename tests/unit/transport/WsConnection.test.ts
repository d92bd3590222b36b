import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { Role, type AccessClaims } from '../../../shared/access.ts';
import { CloseCode } from '../../../shared/closeCodes.ts';
import type { AdmissionPolicy } from '../../../server/access/admitConnection.ts';
import { Authorizer } from '../../../server/access/authorize.ts';
import { ConnectionLimiter } from '../../../server/access/ConnectionLimiter.ts';
import type { TokenVerifier } from '../../../server/access/TokenVerifier.ts';
import { silentLogger } from '../../../server/logger.ts';
import { Heartbeat } from '../../../server/transport/Heartbeat.ts';
import { WsConnection, type ConnectionDeps } from '../../../server/transport/WsConnection.ts';
import { deferred } from '../../helpers/wait.ts';

const ADDRESS = '203.0.113.7';

/** The part of a `ws` WebSocket a connection uses; `close` is answered by a 'close' event. */
class FakeWs extends EventEmitter {
  readonly extensions = '';
  readyState = 1;
  bufferedAmount = 0;
  readonly closes: { code: number; reason: string }[] = [];
  close(code: number, reason: string) {
    this.closes.push({ code, reason });
    this.readyState = 3;
    queueMicrotask(() => this.emit('close'));
  }
  ping() {}
  terminate() {
    this.readyState = 3;
    this.emit('close');
  }
  /** A binary frame from the client. */
  receive(bytes: number[]) {
    this.emit('message', Buffer.from(bytes), true);
  }
}

interface Setup {
  ws: FakeWs;
  connections: ConnectionLimiter;
  received: number[][];
  joins: number;
  left: number;
  /** Close codes of the refusals handed to the refusal memory. */
  remembered: number[];
  /** Settles the pending token verification. */
  verified: ReturnType<typeof deferred<AccessClaims>>;
}

const heartbeats: Heartbeat[] = [];
afterEach(() => {
  for (const h of heartbeats.splice(0)) h.stop();
  vi.useRealTimers();
});

/**
 * A connection to `/sync/notes?token=t` whose token verification the test settles;
 * `roomReceives` plays the room's handling of each frame.
 */
function connect(roomReceives?: (frame: Uint8Array, socket: WsConnection) => void): Setup {
  const setup: Setup = {
    ws: new FakeWs(),
    connections: new ConnectionLimiter(100, 1),
    received: [],
    joins: 0,
    left: 0,
    remembered: [],
    verified: deferred<AccessClaims>(),
  };
  const verifier = { verify: () => setup.verified.promise } as unknown as TokenVerifier;
  const admission: AdmissionPolicy = {
    authorizer: new Authorizer(verifier),
    allowedOrigins: null,
    browserGuard: null,
    connections: setup.connections,
    documents: { loadedCount: 0, hasRoom: () => false },
    maxLoadedDocuments: 10,
    maxDocNameBytes: 512,
    isShuttingDown: () => false,
    logger: silentLogger(),
  };
  const heartbeat = new Heartbeat(60_000);
  heartbeats.push(heartbeat);
  const deps: ConnectionDeps = {
    admission,
    rooms: {
      join: async (_doc, socket) => {
        setup.joins++;
        return {
          receive: (frame: Uint8Array) => {
            setup.received.push([...frame]);
            roomReceives?.(frame, socket as WsConnection);
          },
          leave: () => setup.left++,
        };
      },
    },
    heartbeat,
    refusals: { remember: (_handshake, refusal) => setup.remembered.push(refusal.code) },
    limits: {
      maxMessageBytes: 1024,
      maxBufferedBytes: 1 << 20,
      maxMessagesPerSecond: 100,
      maxMessageBurst: 100,
    },
    logger: silentLogger(),
  };
  const tcp = { writableLength: 0, write: () => true } as unknown as Duplex;
  new WsConnection(setup.ws as unknown as WebSocket, tcp, handshake, deps);
  return setup;
}

const handshake = {
  path: '/sync/notes?token=t',
  origin: undefined,
  host: undefined,
  remoteAddress: ADDRESS,
  protocols: [],
};
const claims = (exp: number): AccessClaims => ({ sub: 'ada', doc: 'notes', role: Role.Write, exp });
const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600;

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a sync connection', () => {
  it('delivers the frames sent during admission, in order, once it has joined the room', async () => {
    const { ws, received, verified } = connect();
    ws.receive([0, 0, 1]);
    ws.receive([1, 2]);
    await settle();
    expect(received).toEqual([]);
    verified.resolve(claims(hourFromNow()));
    await settle();
    expect(received).toEqual([
      [0, 0, 1],
      [1, 2],
    ]);
    ws.receive([3]);
    expect(received.at(-1)).toEqual([3]);
  });

  it('takes none of the frames sent during admission after one the room refused', async () => {
    const { ws, received, verified } = connect((frame, socket) => {
      if (frame[0] === 9) socket.close(CloseCode.MessageTooBig, 'document would exceed its limit');
    });
    ws.receive([0, 0, 1]);
    ws.receive([9]);
    ws.receive([0, 2, 2]);
    verified.resolve(claims(hourFromNow()));
    await settle();
    expect(received).toEqual([[0, 0, 1], [9]]);
    expect(ws.closes.map((c) => c.code)).toEqual([CloseCode.MessageTooBig]);
  });

  it('closed while its token is checked, it never joins and gives its connection slot back', async () => {
    const { ws, connections, verified, ...counts } = connect();
    ws.terminate();
    verified.resolve(claims(hourFromNow()));
    await settle();
    expect(counts.joins).toBe(0);
    // The limit is one connection per address: the slot is free again.
    expect(connections.tryAcquire(ADDRESS)).toBe('ok');
  });

  it('is closed with the refusal’s code, holding no slot, and the final refusal is remembered', async () => {
    const setup = connect();
    setup.verified.resolve({ ...claims(hourFromNow()), doc: 'other' });
    await settle();
    expect(setup.ws.closes).toEqual([
      { code: CloseCode.Forbidden, reason: 'token is not for this document' },
    ]);
    expect(setup.remembered).toEqual([CloseCode.Forbidden]);
    expect(setup.joins).toBe(0);
    expect(setup.connections.tryAcquire(ADDRESS)).toBe('ok');
  });

  it('leaves its room and frees its slot when the socket closes', async () => {
    const setup = connect();
    setup.verified.resolve(claims(hourFromNow()));
    await settle();
    expect(setup.connections.tryAcquire(ADDRESS)).toBe('address');
    setup.ws.terminate();
    expect(setup.left).toBe(1);
    expect(setup.connections.tryAcquire(ADDRESS)).toBe('ok');
  });

  it('closes with 4401 when its token expires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const setup = connect();
    setup.verified.resolve(claims(Math.floor(Date.now() / 1000) + 60));
    await vi.advanceTimersByTimeAsync(0);
    expect(setup.joins).toBe(1);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(setup.ws.closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(setup.ws.closes).toEqual([{ code: CloseCode.Unauthorized, reason: 'token expired' }]);
  });

  it('refuses more than a message’s worth of data before the document loads', async () => {
    const { ws } = connect();
    ws.receive(new Array(600).fill(0));
    ws.receive(new Array(600).fill(0));
    expect(ws.closes).toEqual([
      { code: CloseCode.TryAgainLater, reason: 'too much data before the document loaded' },
    ]);
  });
});
