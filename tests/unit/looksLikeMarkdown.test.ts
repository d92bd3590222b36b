import { describe, expect, it } from 'vitest';
import { looksLikeMarkdown } from '../../client/editor/looksLikeMarkdown.ts';

describe('looksLikeMarkdown', () => {
  it.each([
    ['a heading', '# Meeting notes\n\nWe met.'],
    ['a level-3 heading', '### Next steps'],
    ['a bullet list', 'Shopping:\n- eggs\n- milk'],
    ['a star list', '* one\n* two'],
    ['an ordered list', '1. Wake up\n2. Write'],
    ['a checklist', '- [ ] call Ada\n- [x] book room'],
    ['a quote', '> To be or not to be'],
    ['a code fence', 'Run this:\n```sh\nnpm test\n```'],
    ['a table', '| a | b |\n| --- | --- |\n| 1 | 2 |'],
    ['a link', 'See [the manual](https://example.com/manual) first.'],
    ['bold', 'This is **important** stuff.'],
    ['underscore bold', 'This is __important__ stuff.'],
    ['emphasis', 'I *really* mean it.'],
    ['underscore emphasis', 'I _really_ mean it.'],
    ['strike-through', 'Price: ~~10~~ 8 euros'],
    ['inline code', 'Call `render()` twice.'],
  ])('recognises %s', (_what, text) => {
    expect(looksLikeMarkdown(text)).toBe(true);
  });

  it.each([
    ['prose', 'We met on Tuesday and agreed on the plan.\nNext week we will review it.'],
    ['a bare URL', 'https://example.com/some_path_with_underscores'],
    ['arithmetic', 'The area is 2 * 3 * 4 = 24.'],
    ['a pointer in C', 'char *name = *argv;'],
    ['snake_case names', 'Set max_document_bytes and keep_alive_ms.'],
    ['a hashtag', '#launch day was great'],
    ['a sentence with a number', '2024 was a good year.'],
    ['a greater-than comparison', 'if a > b then stop'],
    ['brackets that are not a link', 'See [1] (the appendix).'],
    ['a dash in a sentence', 'One thing - the other thing.'],
    ['an empty clipboard', ''],
  ])('leaves %s alone', (_what, text) => {
    expect(looksLikeMarkdown(text)).toBe(false);
  });
});
