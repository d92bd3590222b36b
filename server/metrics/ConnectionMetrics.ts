import type { CloseCode } from '../../shared/closeCodes.ts';
import type { Denial } from '../access/authorize.ts';

/** What the transport reports about sockets (see RoomMetrics for the cost rule). */
export interface ConnectionMetrics {
  /** A frame arrived (before any check). */
  frameReceived(bytes: number): void;
  /** Admission refused a socket with `code`; `denial` when its token was the reason. */
  refused(code: CloseCode, denial: Denial | null): void;
  /** The server closed an admitted socket with `code` (too big, rate-limited, slow…). */
  closedByServer(code: number): void;
  rateLimited(): void;
  slowReader(): void;
}

export const NO_CONNECTION_METRICS: ConnectionMetrics = Object.freeze({
  frameReceived: () => {},
  refused: () => {},
  closedByServer: () => {},
  rateLimited: () => {},
  slowReader: () => {},
});
