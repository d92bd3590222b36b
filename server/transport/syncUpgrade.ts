import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { SYNC_PATH_PREFIX, type Handshake } from '../access/admitConnection.ts';
import type { HeldRefusals } from './HeldRefusals.ts';
import type { RefusalMemory } from './RefusalMemory.ts';
import { NO_CONNECTION_METRICS } from '../metrics/ConnectionMetrics.ts';
import { WsConnection, type ConnectionDeps } from './WsConnection.ts';

interface SyncUpgradeOptions {
  connection: ConnectionDeps;
  /** Handshakes refused for good recently: repeats are answered over HTTP (RefusalMemory.ts). */
  refusals: Pick<RefusalMemory, 'recall'>;
  /** Answers those repeats over HTTP, later each time. */
  repeatAnswers: HeldRefusals;
  /** Take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  /** ws answers 1009 above this; frames between MAX_MESSAGE_BYTES and it get our 4413. */
  maxPayload: number;
  /** Offer permessage-deflate (off by default: it costs far more CPU than it saves bytes). */
  perMessageDeflate: boolean;
  /** Sent as `X-Inkwell-Instance` in the 101 answer, like every HTTP answer (INSTANCE_ID). */
  instanceId: string;
}

/** The response header naming the instance that answered (one of several behind a balancer). */
export const INSTANCE_HEADER = 'X-Inkwell-Instance';

/**
 * Accepts WebSocket upgrades to `/sync/<doc>` with `ws`, straight from the Node server;
 * every other request, `/sync/*` over plain HTTP included (426), is the Hono app's.
 *
 * Why not through Hono (@hono/node-ws): that routes each upgrade through the app, and its
 * per-socket closures keep the upgrade's Hono Context, Request, Headers and IncomingMessage
 * alive for as long as the socket is open. Measured with heap snapshots over 2,000 idle
 * sockets: 15.4 KB of heap per connection that way, against 5.5 KB for the y-websocket
 * reference server (docs/PERFORMANCE.md). Here a socket keeps only what it uses.
 */
export function attachSyncUpgrades(server: Server, options: SyncUpgradeOptions): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: options.perMessageDeflate,
  });
  wss.on('headers', (headers) => headers.push(`${INSTANCE_HEADER}: ${options.instanceId}`));
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = request.url ?? '/';
    if (!path.startsWith(SYNC_PATH_PREFIX)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const handshake: Handshake = {
      path,
      origin: request.headers.origin,
      host: request.headers.host,
      remoteAddress: clientAddress(request, options.trustProxy),
      protocols: (request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    };
    const repeated = options.refusals.recall(handshake);
    if (repeated !== null) {
      // Counted with the sockets admission refused: an operator sees one refusal per attempt.
      (options.connection.metrics ?? NO_CONNECTION_METRICS).refused(repeated.code, null);
      options.connection.logger.debug(
        { address: handshake.remoteAddress, code: repeated.code },
        'refused a repeated handshake before the upgrade',
      );
      options.repeatAnswers.answer(socket, repeated);
      return;
    }
    // handleUpgrade answers malformed handshakes (bad key, version, …) with a 400 itself.
    wss.handleUpgrade(
      request,
      socket,
      head,
      (ws) => new WsConnection(ws, socket, handshake, options.connection),
    );
  });
  return wss;
}

function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
