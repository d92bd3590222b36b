import WebSocket from 'ws';

export interface RawSocket {
  ws: WebSocket;
  /** Every binary frame received so far. */
  frames: Uint8Array[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
}

/** A bare WebSocket speaking whatever bytes a test hands it: the hostile client. */
export function openRawSocket(url: string, options: WebSocket.ClientOptions = {}): RawSocket {
  const ws = new WebSocket(url, options);
  const frames: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
  ws.on('error', () => {});
  // An HTTP refusal of the upgrade settles `closed` with the negated status code.
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.once('unexpected-response', (_req, res) => resolve({ code: -(res.statusCode ?? 0), reason: 'HTTP' }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  opened.catch(() => {});
  return { ws, frames, closed, opened };
}
