/**
 * Who this browser is: a stable id (so several tabs count as one person), a display name
 * (asked once, kept in localStorage) and a colour. Colours are `#rrggbb` because the caret
 * extension makes any other format transparent.
 */
export interface Identity {
  id: string;
  name: string | null;
  color: string;
}

export const PRESENCE_COLORS = [
  '#c2410c',
  '#15803d',
  '#1d4ed8',
  '#9333ea',
  '#be185d',
  '#0e7490',
  '#a16207',
  '#4338ca',
  '#b91c1c',
  '#475569',
] as const;

const ID_KEY = 'inkwell:user-id';
const NAME_KEY = 'inkwell:user-name';
export const NAME_MAX_LENGTH = 40;

function colorFor(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length]!;
}

export function loadIdentity(): Identity {
  let id = localStorage.getItem(ID_KEY);
  if (id === null) {
    id = crypto.randomUUID();
    localStorage.setItem(ID_KEY, id);
  }
  const name = localStorage.getItem(NAME_KEY);
  return { id, name: name?.trim() || null, color: colorFor(id) };
}

export function saveName(name: string): string {
  const clean = name.trim().slice(0, NAME_MAX_LENGTH);
  localStorage.setItem(NAME_KEY, clean);
  return clean;
}

/** Up to two initials for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words.at(-1)![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}
