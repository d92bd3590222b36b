import { describe, expect, it } from 'vitest';
import { documentPath, parseRoute } from '../../client/router.ts';

describe('the editor route', () => {
  it.each(['notes', 'playground/0/main', 'test-@y/websocket', 'what? #1 100%', '📝 drafts'])(
    'a link to %j opens that document',
    (name) => {
      expect(parseRoute(documentPath(name))).toEqual({ page: 'document', name });
    },
  );

  it('takes a hand-typed path with slashes as the whole name, and drops one trailing slash', () => {
    expect(parseRoute('/d/playground/0/main')).toEqual({ page: 'document', name: 'playground/0/main' });
    expect(parseRoute('/d/notes/')).toEqual({ page: 'document', name: 'notes' });
    expect(parseRoute('/d/notes%2F')).toEqual({ page: 'document', name: 'notes/' });
  });

  it('decodes once and sends broken encodings to the not-found page', () => {
    expect(parseRoute('/d/a%252Fb')).toEqual({ page: 'document', name: 'a%2Fb' });
    expect(parseRoute('/d/%E0%A4%A')).toEqual({ page: 'not-found' });
    expect(parseRoute('/d/')).toEqual({ page: 'not-found' });
  });
});
