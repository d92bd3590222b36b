import type { WebSocket } from 'ws';
import { CloseCode } from '../../shared/closeCodes.ts';
import { parseDocNameFromPath } from '../../shared/docName.ts';
import type { Logger } from '../logger.ts';
import type { RoomRegistry, RoomSession } from '../rooms/RoomRegistry.ts';
import type { Heartbeat } from '../transport/Heartbeat.ts';
import { WsRoomSocket } from '../transport/WsRoomSocket.ts';

export const SYNC_PATH_PREFIX = '/sync/';

export interface SyncEndpointDeps {
  registry: RoomRegistry;
  heartbeat: Heartbeat;
  logger: Logger;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  isShuttingDown(): boolean;
}

/**
 * Serves one upgraded `/sync/<doc>` WebSocket: validates the name, joins the room, and
 * queues frames that arrive while the document loads (the client sends its step 1 at once).
 */
export function serveSyncSocket(ws: WebSocket, requestUrl: string, deps: SyncEndpointDeps): void {
  // The raw (undecoded) path: the name is decoded exactly once, by parseDocNameFromPath.
  const segment = new URL(requestUrl).pathname.slice(SYNC_PATH_PREFIX.length);
  const parsed = parseDocNameFromPath(segment);
  if (!parsed.ok) {
    deps.logger.info({ reason: parsed.reason }, 'refused a sync socket with a bad document name');
    ws.close(CloseCode.BadDocumentName, parsed.reason);
    return;
  }
  if (deps.isShuttingDown()) {
    ws.close(CloseCode.ServiceRestart, 'server is shutting down');
    return;
  }

  const name = parsed.name;
  const logger = deps.logger.child({ doc: name });
  let session: RoomSession | null = null;
  let closed = false;
  let queued: Uint8Array[] = [];
  let queuedBytes = 0;

  const socket = new WsRoomSocket(ws, {
    maxMessageBytes: deps.maxMessageBytes,
    maxBufferedBytes: deps.maxBufferedBytes,
    logger,
    onFrame(frame) {
      if (session !== null) {
        session.receive(frame);
        return;
      }
      queuedBytes += frame.byteLength;
      if (queuedBytes > deps.maxMessageBytes) {
        socket.close(CloseCode.TryAgainLater, 'too much data before the document loaded');
        return;
      }
      // Copied: the frame is a view into a socket read buffer and must outlive this callback.
      queued.push(frame.slice());
    },
    onClose() {
      closed = true;
      deps.heartbeat.delete(socket);
      session?.leave();
    },
  });
  deps.heartbeat.add(socket);

  deps.registry.join(name, socket).then(
    (joined) => {
      if (closed) {
        joined.leave();
        return;
      }
      session = joined;
      const backlog = queued;
      queued = [];
      for (const frame of backlog) joined.receive(frame);
    },
    () => socket.close(CloseCode.InternalError, 'could not load the document'),
  );
}
