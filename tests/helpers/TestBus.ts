import type {
  BusListener,
  DocumentBus,
  DocumentChannel,
  DocumentListener,
} from '../../server/cluster/DocumentBus.ts';
import type { LogEntry } from '../../server/storage/DocLog.ts';

type Message =
  { kind: 'entries'; entries: LogEntry[] } | { kind: 'awareness'; update: Uint8Array } | { kind: 'query' };

/**
 * Several instances' buses in one process, for room tests without Redis: what one instance
 * publishes is queued for the others (copied, as over a wire) until the test calls `deliver`,
 * which can drop messages to play a lost one.
 */
export class TestBusHub {
  private readonly buses: TestBus[] = [];
  private queue: { to: TestBus; doc: string; from: string; message: Message }[] = [];

  bus(instanceId: string): TestBus {
    const bus = new TestBus(instanceId, this);
    this.buses.push(bus);
    return bus;
  }

  /** Messages waiting for `deliver`. */
  get pending(): number {
    return this.queue.length;
  }

  /** Delivers queued messages in order, dropping those `drop` picks (by their index). */
  deliver(drop: (index: number) => boolean = () => false): void {
    const queue = this.queue;
    this.queue = [];
    queue.forEach(({ to, doc, from, message }, index) => {
      if (!drop(index)) to.receive(doc, from, message);
    });
  }

  evict(from: TestBus, doc: string, code: number, reason: string): void {
    for (const to of this.buses) if (to !== from) for (const w of to.watchers) w.evicted(doc, code, reason);
  }

  send(from: TestBus, doc: string, message: Message): void {
    for (const to of this.buses)
      if (to !== from) this.queue.push({ to, doc, from: from.instanceId, message });
  }
}

export class TestBus implements DocumentBus {
  readonly clustered = true;
  private readonly listeners = new Map<string, Set<DocumentListener>>();
  readonly watchers: BusListener[] = [];

  constructor(
    readonly instanceId: string,
    private readonly hub: TestBusHub,
  ) {}

  async join(doc: string, listener: DocumentListener): Promise<DocumentChannel> {
    const set = this.listeners.get(doc) ?? new Set();
    this.listeners.set(doc, set);
    set.add(listener);
    const send = (message: Message) => this.hub.send(this, doc, message);
    return {
      publishEntries: (entries) =>
        send({ kind: 'entries', entries: entries.map((e) => ({ seq: e.seq, update: e.update.slice() })) }),
      publishAwareness: (update) => send({ kind: 'awareness', update: update.slice() }),
      queryAwareness: () => send({ kind: 'query' }),
      leave: () => set.delete(listener),
    };
  }

  watch(listener: BusListener): void {
    this.watchers.push(listener);
  }

  /** Delivered at once to the other buses' watchers (evictions carry no ordering). */
  announceEviction(doc: string, code: number, reason: string): void {
    this.hub.evict(this, doc, code, reason);
  }

  receive(doc: string, from: string, message: Message): void {
    for (const listener of this.listeners.get(doc) ?? []) {
      if (message.kind === 'entries') listener.entries(from, message.entries);
      else if (message.kind === 'awareness') listener.awareness(from, message.update);
      else listener.awarenessQuery(from);
    }
  }
}
