import type { PresentPerson } from '../../shared/api.ts';
import { initials } from '../presence/identity.ts';

const MAX_SHOWN = 4;

/** The avatars of the people in one document of the list. */
export function PresentPeople({ people }: { people: readonly PresentPerson[] }) {
  if (people.length === 0) return null;
  const names = people.map((p) => p.name).join(', ');
  return (
    <ul className="avatars doc-list-people" aria-label={`In this document now: ${names}`}>
      {people.slice(0, MAX_SHOWN).map((person) => (
        <li key={person.id} className="avatar" style={{ backgroundColor: person.color }} title={person.name}>
          {initials(person.name)}
        </li>
      ))}
      {people.length > MAX_SHOWN && <li className="avatar avatar-more">+{people.length - MAX_SHOWN}</li>}
    </ul>
  );
}
