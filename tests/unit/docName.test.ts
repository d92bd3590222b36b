import { describe, expect, it } from 'vitest';
import { DOC_NAME_MAX_LENGTH, parseDocNameFromPath, validateDocName } from '../../shared/docName.ts';

describe('document names', () => {
  it.each(['notes', 'Team-Plan_2026', 'a', 'ns:doc.v2', 'x~y', 'Z'.repeat(DOC_NAME_MAX_LENGTH)])(
    'accepts %s',
    (name) => {
      expect(validateDocName(name)).toEqual({ ok: true, name });
    },
  );

  it.each(['', '.', '..', '.hidden', 'a/b', 'a b', 'naïve', 'a?b', 'Z'.repeat(DOC_NAME_MAX_LENGTH + 1)])(
    'refuses %j with a reason',
    (name) => {
      const result = validateDocName(name);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/document name/);
    },
  );

  it('decodes a path segment exactly once', () => {
    expect(parseDocNameFromPath('my%2Ddoc')).toEqual({ ok: true, name: 'my-doc' });
    // %252F decodes once to %2F, which is not an allowed character: no double decoding.
    expect(parseDocNameFromPath('a%252Fb').ok).toBe(false);
    expect(parseDocNameFromPath('a%2Fb').ok).toBe(false);
    expect(parseDocNameFromPath('%E0%A4%A').ok).toBe(false);
  });
});
