import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DOC_NAME_BYTES,
  documentPath,
  parseDocNameFromPath,
  validateDocName,
} from '../../shared/docName.ts';

describe('document names', () => {
  it.each([
    'notes',
    'Team-Plan_2026',
    'a',
    'ns:doc.v2',
    'x~y',
    '.hidden',
    'playground/0/main',
    'test-@y/websocket',
    'minutes of the meeting',
    'naïve café',
    'записки',
    '📝 drafts 🚀',
    'a*b',
    '100%',
    'what? #1',
    'Z'.repeat(DEFAULT_MAX_DOC_NAME_BYTES),
  ])('accepts %j', (name) => {
    expect(validateDocName(name)).toEqual({ ok: true, name });
  });

  it.each([
    ['an empty name', ''],
    ['a name over the byte limit', 'Z'.repeat(DEFAULT_MAX_DOC_NAME_BYTES + 1)],
    ['a name over the byte limit in fewer characters', 'é'.repeat(DEFAULT_MAX_DOC_NAME_BYTES / 2 + 1)],
    ['a control character', 'bell\u0007ring'],
    ['a newline', 'two\nlines'],
    ['a NUL', 'nul\u0000'],
    ['a C1 control character', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
    ['a bidirectional override', 'invoice\u202Etxt.exe'],
    ['a lone surrogate', 'broken\uD800'],
    ['a "." segment', 'a/./b'],
    ['a ".." segment', 'a/../b'],
    ['a name that is ".."', '..'],
    ['a trailing "*" (a token pattern)', 'team-*'],
  ])('refuses %s with a reason', (_label, name) => {
    const result = validateDocName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/document name/);
  });

  it('counts the limit in UTF-8 bytes, as the server is configured', () => {
    expect(validateDocName('📝'.repeat(4), 16).ok).toBe(true);
    expect(validateDocName('📝'.repeat(4) + 'x', 16).ok).toBe(false);
    expect(validateDocName('Z'.repeat(10_000), Number.POSITIVE_INFINITY).ok).toBe(true);
  });

  it('decodes a path exactly once, slashes sent raw or encoded', () => {
    expect(parseDocNameFromPath('my%2Ddoc')).toEqual({ ok: true, name: 'my-doc' });
    expect(parseDocNameFromPath('playground/0/main')).toEqual({ ok: true, name: 'playground/0/main' });
    expect(parseDocNameFromPath('playground%2F0%2Fmain')).toEqual({ ok: true, name: 'playground/0/main' });
    expect(parseDocNameFromPath('test-@y/websocket')).toEqual({ ok: true, name: 'test-@y/websocket' });
    expect(parseDocNameFromPath('caf%C3%A9%20au%20lait')).toEqual({ ok: true, name: 'café au lait' });
    // %252F decodes once to the three characters %2F, which stay as they are.
    expect(parseDocNameFromPath('a%252Fb')).toEqual({ ok: true, name: 'a%2Fb' });
    expect(parseDocNameFromPath('%E0%A4%A').ok).toBe(false);
    expect(parseDocNameFromPath('a%2F..%2Fb').ok).toBe(false);
    expect(parseDocNameFromPath('a%01b').ok).toBe(false);
  });

  it('a document page link survives any valid name', () => {
    for (const name of ['notes', 'playground/0/main', 'what? #1', '100%', '📝 drafts']) {
      const path = documentPath(name);
      expect(path).toMatch(/^\/d\/[^/?#]+$/);
      expect(parseDocNameFromPath(path.slice('/d/'.length))).toEqual({ ok: true, name });
    }
  });
});
