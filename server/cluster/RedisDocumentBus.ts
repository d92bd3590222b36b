import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { NO_CLUSTER_METRICS, type ClusterMetrics } from '../metrics/ClusterMetrics.ts';
import { BusMessageError, decodeBusMessage, encodeBusMessage, type BusMessage } from './busMessages.ts';
import type { BusListener, DocumentBus, DocumentChannel, DocumentListener } from './DocumentBus.ts';
import { InstanceLiveness, type LiveInstance } from './InstanceLiveness.ts';

export interface RedisBusOptions {
  url: string;
  /** Namespaces every channel and key, so that deployments can share one Redis. */
  prefix: string;
  logger: Logger;
  metrics?: ClusterMetrics;
  /**
   * The instance's configured name (INSTANCE_ID), shown in the connections' names so that
   * an operator can tell whose connection `CLIENT LIST` shows; the random id otherwise.
   */
  name?: string;
}

/** Reconnect backoff: quick at first, then every 2 s while Redis stays away. */
const retryDelay = (attempt: number) => Math.min(100 * attempt, 2000);

/** How long a start waits for Redis before going on without it. */
const START_WAIT_MS = 2000;

/** A join waits at most this long for its SUBSCRIBE; past it the periodic log check covers. */
const SUBSCRIBE_WAIT_MS = 1000;

/**
 * `DocumentBus` over Redis pub/sub: one channel per document (`<prefix>doc:<name>`), carrying
 * commit batches, awareness updates and awareness queries (busMessages.ts). Two connections,
 * because a subscribed connection can do nothing else: one subscribes, one publishes and
 * keeps this instance's liveness key (InstanceLiveness).
 *
 * Publishes never queue while Redis is away (the log is the truth; the others read it back
 * after the reconnect), so a Redis outage cannot build a backlog of stale messages. The only
 * place in the server that imports a Redis client.
 */
export class RedisDocumentBus implements DocumentBus {
  readonly instanceId = randomUUID();
  readonly clustered = true;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly listeners = new Map<string, Set<DocumentListener>>();
  private readonly watchers: BusListener[] = [];
  private readonly liveness: InstanceLiveness;
  private readonly metrics: ClusterMetrics;
  private wasReady = false;
  private connected = false;
  private closed = false;
  private lastError: string | null = null;

  constructor(private readonly options: RedisBusOptions) {
    this.metrics = options.metrics ?? NO_CLUSTER_METRICS;
    const common = { retryStrategy: retryDelay, lazyConnect: true };
    const connectionName = (role: BusConnectionRole) =>
      busConnectionName(options.prefix, options.name ?? this.instanceId, role);
    this.subscriber = new Redis(options.url, {
      ...common,
      autoResubscribe: true,
      connectionName: connectionName('sub'),
    });
    this.publisher = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectionName: connectionName('pub'),
    });
    this.liveness = new InstanceLiveness({
      redis: this.publisher,
      prefix: options.prefix,
      instanceId: this.instanceId,
      logger: options.logger,
      onError: () => this.metrics.redisError(),
      onGone: (id) => {
        for (const watcher of this.watchers) watcher.instanceGone(id);
      },
      onLapsed: () => {
        if (this.closed) return;
        for (const watcher of this.watchers) watcher.livenessLapsed();
      },
    });
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.onMessage(channel, message),
    );
    this.subscriber.on('ready', () => void this.onSubscriberReady());
    let publisherWasReady = false;
    this.publisher.on('ready', () => {
      if (publisherWasReady) this.liveness.reconnected();
      else this.liveness.beat();
      publisherWasReady = true;
    });
    for (const [role, redis] of [
      ['subscriber', this.subscriber],
      ['publisher', this.publisher],
    ] as const) {
      redis.on('error', (error: Error) => {
        this.metrics.redisError();
        if (this.lastError !== error.message)
          options.logger.warn({ role, err: error.message }, 'redis error');
        this.lastError = error.message;
      });
      redis.on('close', () => {
        if (role === 'subscriber' && this.connected && !this.closed) {
          this.connected = false;
          options.logger.warn('redis connection lost; edits keep flowing through the database');
        }
      });
    }
  }

  /**
   * Connects; true once both connections are ready, false when Redis does not answer within
   * START_WAIT_MS (the connections keep retrying in the background).
   */
  async start(): Promise<boolean> {
    this.liveness.start();
    const connected = Promise.all([this.subscriber.connect(), this.publisher.connect()]).then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), START_WAIT_MS);
    });
    try {
      return await Promise.race([connected, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Null when Redis answers; otherwise why not (for `/readyz`). */
  unreachable(): string | null {
    if (this.subscriber.status === 'ready' && this.publisher.status === 'ready') return null;
    return `redis unreachable${this.lastError === null ? '' : `: ${this.lastError}`}`;
  }

  /** The instances whose liveness keys exist (this one included). */
  liveInstances(): Promise<LiveInstance[]> {
    return this.liveness.list();
  }

  async join(doc: string, listener: DocumentListener): Promise<DocumentChannel> {
    const channel = this.channelOf(doc);
    let set = this.listeners.get(doc);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(doc, set);
      await this.subscribe(channel);
    }
    set.add(listener);
    const publish = (message: BusMessage) => this.publish(channel, message);
    const from = this.instanceId;
    let left = false;
    return {
      publishEntries: (entries) => {
        if (!left) publish({ type: 'entries', from, doc, entries: [...entries] });
      },
      publishAwareness: (update) => {
        if (!left) publish({ type: 'awareness', from, doc, update });
      },
      queryAwareness: () => {
        if (!left) publish({ type: 'awareness-query', from, doc });
      },
      leave: () => {
        if (left) return;
        left = true;
        this.leave(doc, listener);
      },
    };
  }

  watch(listener: BusListener): void {
    this.watchers.push(listener);
  }

  announceEviction(doc: string, code: number, reason: string): void {
    this.publish(this.evictionsChannel, { type: 'evict', from: this.instanceId, doc, code, reason });
  }

  /**
   * Unsubscribes, removes this instance's liveness key (the others drop its clients' presence
   * at once instead of after the key's TTL) and quits. Nothing is published afterwards.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.liveness.stop();
    this.listeners.clear();
    const ready = (redis: Redis) => redis.status === 'ready';
    await Promise.allSettled([
      ready(this.publisher) ? this.liveness.remove() : Promise.resolve(),
      ready(this.subscriber) ? this.subscriber.unsubscribe() : Promise.resolve(),
    ]);
    await Promise.allSettled([quit(this.subscriber), quit(this.publisher)]);
  }

  private channelOf(doc: string): string {
    return `${this.options.prefix}doc:${doc}`;
  }

  /** Every instance's channel for evictions (the `doc:` channels are only the holders'). */
  private get evictionsChannel(): string {
    return `${this.options.prefix}evictions`;
  }

  private async subscribe(channel: string): Promise<void> {
    // While Redis is away the SUBSCRIBE waits in the connection's queue; the load goes on,
    // and the resync after the reconnect reads whatever it missed.
    if (this.subscriber.status !== 'ready') {
      this.subscriber.subscribe(channel).catch(() => this.metrics.redisError());
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS);
    });
    const subscribed = this.subscriber.subscribe(channel).then(
      () => {},
      () => this.metrics.redisError(),
    );
    await Promise.race([subscribed, timeout]);
    clearTimeout(timer);
  }

  private leave(doc: string, listener: DocumentListener): void {
    const set = this.listeners.get(doc);
    if (set === undefined || !set.delete(listener) || set.size > 0) return;
    this.listeners.delete(doc);
    if (this.closed) return;
    this.subscriber.unsubscribe(this.channelOf(doc)).catch(() => this.metrics.redisError());
  }

  private publish(channel: string, message: BusMessage): void {
    if (this.closed || this.publisher.status !== 'ready') return;
    this.metrics.published();
    this.publisher.publish(channel, Buffer.from(encodeBusMessage(message))).catch(() => {
      this.metrics.redisError();
    });
  }

  private onMessage(channel: Buffer, bytes: Buffer): void {
    let message: BusMessage;
    try {
      message = decodeBusMessage(bytes);
    } catch (error) {
      this.metrics.redisError();
      const reason = error instanceof BusMessageError ? error.message : 'undecodable';
      this.options.logger.warn({ reason }, 'dropped an undecodable message from redis');
      return;
    }
    if (message.from === this.instanceId) return;
    if (message.type === 'evict') {
      if (channel.toString() !== this.evictionsChannel) return;
      this.metrics.messageReceived();
      for (const watcher of this.watchers) watcher.evicted(message.doc, message.code, message.reason);
      return;
    }
    // A message naming another document than its channel's is not ours to trust.
    if (channel.toString() !== this.channelOf(message.doc)) return;
    this.metrics.messageReceived();
    this.liveness.seen(message.from);
    for (const listener of this.listeners.get(message.doc) ?? []) {
      switch (message.type) {
        case 'entries':
          listener.entries(message.from, message.entries);
          break;
        case 'awareness':
          listener.awareness(message.from, message.update);
          break;
        case 'awareness-query':
          listener.awarenessQuery(message.from);
          break;
        default: {
          const unhandled: never = message;
          throw new Error(`unhandled bus message ${JSON.stringify(unhandled)}`);
        }
      }
    }
  }

  private async onSubscriberReady(): Promise<void> {
    const { logger } = this.options;
    this.connected = true;
    if (!this.wasReady) {
      this.wasReady = true;
      logger.info({ instance: this.instanceId }, 'connected to redis');
      // Once: ioredis resubscribes it after every reconnect (autoResubscribe).
      await this.subscriber.subscribe(this.evictionsChannel).catch(() => this.metrics.redisError());
      return;
    }
    this.metrics.redisReconnected();
    logger.info('reconnected to redis; reading what was missed from the database');
    // The resubscriptions were queued before this PING: once it answers, they are in place,
    // and a read of the log from now on cannot miss an entry the bus would not bring.
    await this.subscriber.ping().catch(() => {});
    for (const watcher of this.watchers) watcher.resync();
  }
}

export type BusConnectionRole = 'sub' | 'pub';

/**
 * The name `CLIENT LIST` shows for one of an instance's bus connections, so that an operator
 * (or a test) can tell whose it is. Characters CLIENT SETNAME refuses (spaces, control
 * characters: the prefix is free text) become `_`.
 */
export function busConnectionName(prefix: string, instance: string, role: BusConnectionRole): string {
  return `${prefix}bus:${instance}:${role}`.replace(/[^!-~]/g, '_');
}

/** QUIT, or a hard disconnect when Redis is not there to answer. */
async function quit(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
