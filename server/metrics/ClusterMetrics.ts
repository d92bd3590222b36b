/**
 * What the Redis bus reports (scale-out), through an injected object like `RoomMetrics`:
 * plain additions, no per-document labels (a deployment has too many documents).
 */
export interface ClusterMetrics {
  /** One message published (a commit batch, an awareness update, a query). */
  published(): void;
  /** One message from another instance received. */
  messageReceived(): void;
  /** A Redis command or connection failed. */
  redisError(): void;
  /** The subscription connection came back after being lost. */
  redisReconnected(): void;
}

/** Reports nothing (tests, METRICS=false). */
export const NO_CLUSTER_METRICS: ClusterMetrics = Object.freeze({
  published: () => {},
  messageReceived: () => {},
  redisError: () => {},
  redisReconnected: () => {},
});
