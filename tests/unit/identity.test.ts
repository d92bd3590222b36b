import { describe, expect, it } from 'vitest';
import { guestName, initials, randomId } from '../../client/presence/identity.ts';

describe('who this browser is', () => {
  it('an avatar shows one initial for a one-word name and two for longer names', () => {
    expect(initials('Ada')).toBe('A');
    expect(initials('  grace   brewster hopper ')).toBe('GH');
    expect(initials('Émilie du Châtelet')).toBe('ÉC');
    expect(initials('')).toBe('?');
  });

  it('ids come from getRandomValues (insecure contexts have no randomUUID) and do not repeat', () => {
    const ids = new Set(Array.from({ length: 100 }, randomId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('someone without a name gets a stable guest name', () => {
    expect(guestName('abc')).toBe(guestName('abc'));
    expect(guestName('abc')).toMatch(/^Guest [A-Z][a-z]+$/);
  });
});
