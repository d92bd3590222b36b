import { Redis } from 'ioredis';
import { z } from 'zod';
import type { InstanceRow } from '../../shared/stats.ts';
import type { RedisConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { FleetChannel } from './FleetChannel.ts';

const finite = z.number().finite();

/** What another instance may send; anything else on the channel is ignored. */
const InstanceRowMessage = z.object({
  id: z.string().min(1).max(64),
  at: finite,
  connections: finite,
  documentsLoaded: finite,
  updatesPerSecond: finite,
  deliveriesPerSecond: finite,
  commitP99Ms: finite.nullable(),
  eventLoopLagP99Ms: finite,
  rssBytes: finite,
  ready: z.boolean(),
}) satisfies z.ZodType<InstanceRow>;

/** The channel every instance under one REDIS_PREFIX publishes its row on. */
export const fleetChannelName = (prefix: string) => `${prefix}instances`;

/**
 * Instance rows over Redis pub/sub: one connection publishes, one subscribes (a subscribed
 * Redis connection can do nothing else). Both reconnect by themselves; while Redis is away,
 * rows are dropped rather than queued (they are stale a second later), and the dashboards
 * show only the rows still fresh.
 */
export class RedisFleetChannel implements FleetChannel {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly listeners: ((row: InstanceRow) => void)[] = [];

  constructor(config: RedisConfig, logger: Logger) {
    this.channel = fleetChannelName(config.prefix);
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false };
    this.publisher = new Redis(config.url, options);
    // The subscription waits for Redis however long it takes (and ioredis renews it after
    // every reconnect), so an instance started before Redis still hears the others.
    this.subscriber = new Redis(config.url, {
      ...options,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    // ioredis emits 'error' on every failed reconnect: log it, never let it crash the process.
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) =>
        logger.debug({ err: error.message }, 'redis connection for instance rows failed; retrying'),
      );
    }
    this.subscriber
      .subscribe(this.channel)
      .catch((error: unknown) => logger.warn({ err: String(error) }, 'could not subscribe to instance rows'));
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const row = parseRow(message);
      if (row === null) {
        logger.debug({ channel }, 'ignored a malformed instance row');
        return;
      }
      for (const listener of this.listeners) listener(row);
    });
  }

  publish(row: InstanceRow): void {
    if (this.publisher.status !== 'ready') return;
    this.publisher.publish(this.channel, JSON.stringify(row)).catch(() => {
      // Dropped: the next second's row replaces it.
    });
  }

  onRow(listener: (row: InstanceRow) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

function parseRow(message: string): InstanceRow | null {
  try {
    const parsed = InstanceRowMessage.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
