import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/** How often the key is renewed and the others' keys are checked. */
export const HEARTBEAT_INTERVAL_MS = 2000;
/**
 * A key not renewed for this long expires: three missed beats, so one slow beat is no death.
 * Short, so that a killed instance's people leave the others' screens within seconds; an
 * instance that stalls longer than this finds its key gone and has its clients' presence
 * announced again (`onLapsed`). See docs/SCALING.md, "Liveness".
 */
export const LIVENESS_TTL_MS = 6000;

/** One instance of the deployment, as its liveness key describes it. */
export interface LiveInstance {
  id: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
}

interface InstanceLivenessOptions {
  redis: Redis;
  prefix: string;
  instanceId: string;
  logger: Logger;
  onError(): void;
  /** An instance this one heard from has let its key expire (or removed it on shutdown). */
  onGone(instanceId: string): void;
  /** This instance's own key had expired before a renewal (see `LIVENESS_TTL_MS`). */
  onLapsed(): void;
}

/**
 * This instance's liveness key (`<prefix>instance:<id>`, renewed every 2 s with a 6 s TTL),
 * and the watch over the instances it has heard from: when one's key is gone, it died (or
 * shut down), and the rooms drop its clients' presence. Also lists the live instances (for
 * the dashboard), from the keys alone.
 */
export class InstanceLiveness {
  private readonly startedAt = Date.now();
  /** Instances heard from, whose keys each beat checks. */
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** No instance is declared dead before this (see `reconnected`). */
  private graceUntil = 0;
  /** When the key was last renewed on this connection (null: not since it connected). */
  private renewedAt: number | null = null;
  /** Closed: no renewal, no report. */
  private stopped = false;

  constructor(private readonly options: InstanceLivenessOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
  }

  /** A message from this instance arrived: it is alive, and watched from now on. */
  seen(instanceId: string): void {
    this.known.add(instanceId);
  }

  /**
   * Redis came back, perhaps restarted and empty: the others' keys return with their next
   * beats, so nobody is declared dead for one TTL.
   */
  reconnected(): void {
    this.graceUntil = Date.now() + LIVENESS_TTL_MS;
    // An empty key now says Redis restarted, not that this instance stalled (the others wait
    // out the grace, and the resync re-publishes presence anyway).
    this.renewedAt = null;
    this.beat();
  }

  /** Renews this instance's key and checks the others'. */
  beat(): void {
    const { redis, instanceId } = this.options;
    if (redis.status !== 'ready' || this.stopped) return;
    const value = JSON.stringify({ id: instanceId, startedAt: this.startedAt } satisfies LiveInstance);
    void this.renew(value);
    void this.checkKnown();
  }

  /**
   * SET after EXISTS, in one transaction: a key that was there at the previous renewal and is
   * missing now expired while this instance could not beat (an event-loop stall longer than
   * the TTL), and the others may have dropped its clients' presence meanwhile.
   */
  private async renew(value: string): Promise<void> {
    const { redis, instanceId, onError, onLapsed, logger } = this.options;
    const key = this.keyOf(instanceId);
    let existed: boolean;
    try {
      const replies = await redis.multi().exists(key).set(key, value, 'PX', LIVENESS_TTL_MS).exec();
      const [existsError, exists] = replies?.[0] ?? [new Error('transaction discarded'), 0];
      if (existsError !== null) throw existsError;
      existed = exists === 1;
    } catch {
      onError();
      return;
    }
    const previous = this.renewedAt;
    this.renewedAt = Date.now();
    if (existed || previous === null || this.stopped) return;
    logger.warn(
      { instance: instanceId, sinceRenewalMs: this.renewedAt - previous },
      'this instance’s liveness key expired (the event loop stalled); announcing its clients’ presence again',
    );
    onLapsed();
  }

  /** Deletes this instance's key (a clean shutdown). */
  async remove(): Promise<void> {
    await this.options.redis.del(this.keyOf(this.options.instanceId));
  }

  /** Every instance whose key exists now. */
  async list(): Promise<LiveInstance[]> {
    const { redis, prefix } = this.options;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(
        cursor,
        'MATCH',
        `${escapeGlob(prefix)}instance:*`,
        'COUNT',
        100,
      );
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await redis.mget(keys);
    return values.flatMap((value) => {
      if (value === null) return [];
      try {
        return [JSON.parse(value) as LiveInstance];
      } catch {
        return [];
      }
    });
  }

  private async checkKnown(): Promise<void> {
    const { redis, onError, onGone, logger } = this.options;
    if (this.known.size === 0 || Date.now() < this.graceUntil) return;
    const ids = [...this.known];
    let values: (string | null)[];
    try {
      values = await redis.mget(ids.map((id) => this.keyOf(id)));
    } catch {
      // Redis itself is away: that says nothing about the other instances.
      onError();
      return;
    }
    ids.forEach((id, i) => {
      if (values[i] !== null) return;
      this.known.delete(id);
      logger.info({ instance: id }, 'another instance is gone; dropping its clients’ presence');
      onGone(id);
    });
  }

  private keyOf(instanceId: string): string {
    return `${this.options.prefix}instance:${instanceId}`;
  }
}

/** The prefix as a literal in a SCAN MATCH pattern. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');
