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

const GUEST_ANIMALS = ['Otter', 'Heron', 'Fox', 'Lynx', 'Wren', 'Badger', 'Seal', 'Hare', 'Owl', 'Marten'];

function hashOf(id: string): number {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash;
}

const colorFor = (id: string) => PRESENCE_COLORS[hashOf(id) % PRESENCE_COLORS.length]!;

/**
 * What others see before you give a name: reading needs no name (issue 16), but two
 * readers must still be told apart. Stable per browser, like the colour.
 */
export const guestName = (id: string) => `Guest ${GUEST_ANIMALS[(hashOf(id) >>> 4) % GUEST_ANIMALS.length]}`;

/**
 * 128 random bits as hex. Not `crypto.randomUUID`: it exists only in secure contexts, and a
 * teammate who opens `http://192.168.1.20:1234/` is in an insecure one (issue 16: blank page).
 * `getRandomValues` works everywhere.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function loadIdentity(): Identity {
  let id = localStorage.getItem(ID_KEY);
  if (id === null) {
    id = randomId();
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

/** An avatar's letters: first and last initial, or one for a one-word name ("Ada" → "A"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  // Spread by code point, so a name that starts with an emoji or a surrogate pair stays whole.
  const first = (word: string) => [...word][0]!;
  const letters = words.length > 1 ? first(words[0]!) + first(words.at(-1)!) : first(words[0]!);
  return letters.toUpperCase();
}
