import { useMemo, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';

export interface Person {
  id: string;
  name: string;
  color: string;
  isSelf: boolean;
}

interface AwarenessUser {
  id?: unknown;
  name?: unknown;
  color?: unknown;
}

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** Everyone present, one entry per person (several tabs share an id), yourself first. */
export function peopleFrom(awareness: Awareness): Person[] {
  const byId = new Map<string, Person>();
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: AwarenessUser }).user;
    if (!user || typeof user.name !== 'string' || user.name === '') continue;
    const id = typeof user.id === 'string' ? user.id : `client-${clientId}`;
    const isSelf = clientId === awareness.clientID;
    const existing = byId.get(id);
    byId.set(id, {
      id,
      name: user.name,
      color: typeof user.color === 'string' && HEX_COLOR.test(user.color) ? user.color : '#6b7280',
      isSelf: isSelf || (existing?.isSelf ?? false),
    });
  }
  return [...byId.values()].sort(
    (a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name),
  );
}

/** Subscribes a component to the people present in a document. */
export function usePeople(awareness: Awareness): Person[] {
  // A string snapshot is stable between renders, as useSyncExternalStore requires.
  const snapshot = useSyncExternalStore(
    (onChange) => {
      awareness.on('change', onChange);
      return () => awareness.off('change', onChange);
    },
    () => JSON.stringify(peopleFrom(awareness)),
  );
  return useMemo(() => JSON.parse(snapshot) as Person[], [snapshot]);
}
