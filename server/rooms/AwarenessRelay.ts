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
 */
export class AwarenessRelay {
  private readonly awareness: Awareness;

  constructor(
    doc: Y.Doc,
    private readonly broadcast: (frame: Uint8Array) => void,
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

  destroy(): void {
    this.awareness.destroy();
  }

  private relay({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    if (isTransactionOrigin(origin) && origin.kind === 'client') {
      const announced = origin.connection.awarenessClients;
      for (const client of added) announced.add(client);
      for (const client of removed) announced.delete(client);
    }
    // Renewals ("updated" with the same state) are relayed too: they keep every client's
    // view of the others alive, and echoing them to the sender resets its 30 s timer.
    const changed = added.concat(updated, removed);
    this.broadcast(encodeAwareness(encodeAwarenessUpdate(this.awareness, changed)));
  }
}
