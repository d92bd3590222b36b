import type * as Y from 'yjs';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import { encodeAwareness } from '../../shared/protocol.ts';
import { isTransactionOrigin, SERVER_ORIGIN, type TransactionOrigin } from './origins.ts';
import type { RoomConnection } from './RoomConnection.ts';

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** Someone in a room, as their awareness state's `user` field names them. */
export interface PresentPerson {
  id: string;
  name: string;
  color: string;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
/** Awareness states are written by clients: only short, well-formed fields leave the room. */
const MAX_NAME_LENGTH = 64;

function personIn(state: unknown, clientId: number): PresentPerson | null {
  const user = (state as { user?: { id?: unknown; name?: unknown; color?: unknown } } | null)?.user;
  if (typeof user?.name !== 'string' || user.name.trim() === '') return null;
  return {
    id: typeof user.id === 'string' ? user.id.slice(0, MAX_NAME_LENGTH) : String(clientId),
    name: user.name.trim().slice(0, MAX_NAME_LENGTH),
    color: typeof user.color === 'string' && HEX_COLOR.test(user.color) ? user.color : '#6b7280',
  };
}

/**
 * A room's presence (carets, names): relays every client's awareness updates to the room,
 * remembers which awareness clients each connection announced, and removes them when it
 * leaves, as y-websocket's reference server does.
 *
 * With several instances, this instance's clients' changes are also published (coalesced:
 * the clients changed within one event-loop turn go out as one awareness update, not one
 * message per caret move), other instances' changes are applied and relayed to this room's
 * sockets but never published again, and the instance each remote client came from is
 * remembered so that its presence goes when that instance dies.
 */
export class AwarenessRelay {
  private readonly awareness: Awareness;
  /** Awareness clients announced through other instances, by the instance. */
  private readonly remoteOwner = new Map<number, string>();
  /** This instance's clients changed in the current turn, published at its end. */
  private readonly unpublished = new Set<number>();
  private publishScheduled: NodeJS.Immediate | null = null;

  constructor(
    doc: Y.Doc,
    private readonly broadcast: (frame: Uint8Array) => void,
    /** Null for a lone instance: nothing is collected for publishing. */
    private readonly publish: ((update: Uint8Array) => void) | null = null,
  ) {
    this.awareness = new Awareness(doc);
    // The server is not a participant: it must not appear in anyone's presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', (change: AwarenessChange, origin: unknown) => this.relay(change, origin));
  }

  /** Sends a new connection the states present, if there are any. */
  greet(connection: RoomConnection): void {
    if (this.awareness.getStates().size > 0) this.answerQuery(connection);
  }

  /** Applies a client's awareness update; false when it does not decode. */
  receive(connection: RoomConnection, update: Uint8Array): boolean {
    const origin: TransactionOrigin = { kind: 'client', connection };
    try {
      applyAwarenessUpdate(this.awareness, update, origin);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends every state the room knows (the answer to query-awareness). */
  answerQuery(connection: RoomConnection): void {
    const clients = [...this.awareness.getStates().keys()];
    connection.socket.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, clients)));
  }

  /** Applies another instance's clients' awareness update; false when it does not decode. */
  receiveRemote(instance: string, update: Uint8Array): boolean {
    try {
      applyAwarenessUpdate(this.awareness, update, { kind: 'remote', instance } satisfies TransactionOrigin);
      return true;
    } catch {
      return false;
    }
  }

  /** Publishes the states of this instance's clients (the answer to another instance's query). */
  publishLocal(): void {
    const local = [...this.awareness.getStates().keys()].filter((client) => !this.remoteOwner.has(client));
    if (local.length > 0) this.publish?.(encodeAwarenessUpdate(this.awareness, local));
  }

  /**
   * Asks each connection's clients to announce their states again, with a newer clock. The
   * other instances removed them at their current clock (this instance's liveness key
   * expired), so republishing those states could not bring them back: y-protocols applies a
   * state only with a clock above the one it removed. A client told that its own state was
   * removed keeps it, raises its clock and sends it (y-protocols' `applyAwarenessUpdate`), and
   * that update travels as any other.
   */
  promptReannounce(connections: Iterable<RoomConnection>): void {
    const states = this.awareness.getStates();
    for (const connection of connections) {
      const clients = [...connection.awarenessClients].filter((client) => states.has(client));
      if (clients.length === 0) continue;
      const removal = encodeAwarenessUpdate(this.awareness, clients, new Map());
      connection.socket.send(encodeAwareness(removal));
    }
  }

  /** Removes the presence of the clients that came through an instance that died. */
  forgetInstance(instance: string): void {
    const clients = [...this.remoteOwner].filter(([, owner]) => owner === instance).map(([c]) => c);
    if (clients.length > 0) removeAwarenessStates(this.awareness, clients, { kind: 'remote', instance });
  }

  /** The people whose awareness names them, each once (several tabs of one person count once). */
  people(): PresentPerson[] {
    const byId = new Map<string, PresentPerson>();
    for (const [clientId, state] of this.awareness.getStates()) {
      const person = personIn(state, clientId);
      if (person !== null && !byId.has(person.id)) byId.set(person.id, person);
    }
    return [...byId.values()];
  }

  /**
   * The name a connection's awareness gives its person (validated as for presence), or null
   * for a client that announces none (stock y-websocket clients).
   */
  nameOf(connection: RoomConnection): string | null {
    for (const clientId of connection.awarenessClients) {
      const person = personIn(this.awareness.getStates().get(clientId), clientId);
      if (person !== null) return person.name;
    }
    return null;
  }

  /** Removes the states a leaving connection announced, telling everyone else. */
  forget(connection: RoomConnection): void {
    const clients = [...connection.awarenessClients];
    if (clients.length > 0) removeAwarenessStates(this.awareness, clients, SERVER_ORIGIN);
  }

  /** Publishes what is pending (a leaver's removal) and releases the awareness. */
  destroy(): void {
    if (this.publishScheduled !== null) {
      clearImmediate(this.publishScheduled);
      this.publishPending();
    }
    this.awareness.destroy();
  }

  private relay({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    // Renewals ("updated" with the same state) are relayed too: they keep every client's
    // view of the others alive, and echoing them to the sender resets its 30 s timer.
    const changed = added.concat(updated, removed);
    if (isTransactionOrigin(origin) && origin.kind === 'remote') {
      for (const client of added.concat(updated)) this.remoteOwner.set(client, origin.instance ?? '');
    } else {
      if (isTransactionOrigin(origin) && origin.kind === 'client') {
        const announced = origin.connection.awarenessClients;
        for (const client of added) announced.add(client);
        for (const client of removed) announced.delete(client);
        // A client that moved here from another instance is this instance's now.
        for (const client of changed) this.remoteOwner.delete(client);
      }
      if (this.publish !== null) {
        // A remote client timing out here (y-protocols' 30 s check) is its instance's business.
        for (const client of changed) if (!this.remoteOwner.has(client)) this.unpublished.add(client);
        this.schedulePublish();
      }
    }
    for (const client of removed) this.remoteOwner.delete(client);
    this.broadcast(encodeAwareness(encodeAwarenessUpdate(this.awareness, changed)));
  }

  private schedulePublish(): void {
    if (this.publishScheduled !== null || this.unpublished.size === 0) return;
    this.publishScheduled = setImmediate(() => this.publishPending());
  }

  private publishPending(): void {
    this.publishScheduled = null;
    const clients = [...this.unpublished];
    this.unpublished.clear();
    if (clients.length > 0) this.publish?.(encodeAwarenessUpdate(this.awareness, clients));
  }
}
