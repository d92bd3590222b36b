import type { Awareness } from 'y-protocols/awareness';
import { initials } from './identity.ts';
import { usePeople } from './usePeople.ts';

const MAX_SHOWN = 5;

/** One avatar per person in the document (several tabs count once), you first. */
export function Avatars({ awareness }: { awareness: Awareness }) {
  const people = usePeople(awareness);
  const shown = people.slice(0, MAX_SHOWN);
  const hidden = people.slice(MAX_SHOWN);
  return (
    <ul className="avatars" aria-label={`${people.length} ${people.length === 1 ? 'person' : 'people'} here`}>
      {shown.map((person) => (
        <li
          key={person.id}
          className="avatar"
          style={{ backgroundColor: person.color }}
          title={person.isSelf ? `${person.name} (you)` : person.name}
          data-name={person.name}
        >
          {initials(person.name)}
        </li>
      ))}
      {hidden.length > 0 && (
        <li className="avatar avatar-more" title={hidden.map((p) => p.name).join(', ')}>
          +{hidden.length}
        </li>
      )}
    </ul>
  );
}
