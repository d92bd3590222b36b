/** Pasting Markdown as plain text (issue 13) in real Chromium against a real server. */
import { describe, expect, it } from 'vitest';
import {
  browserSuite,
  copyPlainText,
  createDocumentUrl,
  editorJson,
  openEditor,
  waitForEditorText,
} from '../helpers/browser.ts';

const suite = browserSuite();

const MARKDOWN =
  '## Plan\n\n- write the **draft**\n- send it to [Ada](https://example.com/ada)\n\n> keep it short';

const nodeTypes = (node: unknown): string[] => {
  const n = node as { type?: string; content?: unknown[]; marks?: { type: string }[] };
  return [
    ...(n.type ? [n.type] : []),
    ...(n.marks ?? []).map((mark) => mark.type),
    ...(n.content ?? []).flatMap(nodeTypes),
  ];
};

describe('pasting Markdown in Chromium', () => {
  it('plain text that looks like Markdown becomes formatting; Ctrl+Shift+V keeps it plain', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Pasted Markdown'));
    await ada.page.locator('.ProseMirror').click();
    await copyPlainText(ada.page, MARKDOWN);

    await ada.page.keyboard.press('Control+v');
    const editor = ada.page.locator('.ProseMirror');
    await editor.locator('h2', { hasText: 'Plan' }).waitFor();
    await editor.locator('ul > li strong', { hasText: 'draft' }).waitFor();
    expect(await editor.locator('a').getAttribute('href')).toBe('https://example.com/ada');
    await editor.locator('blockquote', { hasText: 'keep it short' }).waitFor();
    expect(await editor.textContent()).not.toContain('**');

    await ada.page.keyboard.press('Control+a');
    await ada.page.keyboard.press('Delete');
    await waitForEditorText(ada.page, (text) => text === '', 'the document is emptied');
    await ada.page.keyboard.press('Control+Shift+v');
    await waitForEditorText(ada.page, (text) => text.includes('## Plan'), 'the Markdown pasted as typed');
    const types = nodeTypes(await editorJson(ada.page));
    for (const formatted of ['heading', 'bulletList', 'bold', 'link', 'blockquote']) {
      expect(types).not.toContain(formatted);
    }
    expect(await editor.textContent()).toContain('- write the **draft**');
  });

  it('text that is not Markdown is pasted as it is', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Pasted prose'));
    await ada.page.locator('.ProseMirror').click();
    await copyPlainText(ada.page, 'Set max_document_bytes to 2 * 1024 * 1024.');
    await ada.page.keyboard.press('Control+v');
    await waitForEditorText(ada.page, (text) => text.includes('2 * 1024 * 1024'), 'the text pasted verbatim');
    expect(nodeTypes(await editorJson(ada.page))).toEqual(['doc', 'paragraph', 'text']);
  });

  it('a clipboard with HTML keeps the HTML, even when its plain text looks like Markdown', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Pasted HTML'));
    await ada.page.locator('.ProseMirror').click();
    await ada.page.evaluate(async () => {
      await navigator.clipboard.write([
        new ClipboardItem({
          'text/html': new Blob(['<p>Literal **stars** stay</p>'], { type: 'text/html' }),
          'text/plain': new Blob(['# A heading'], { type: 'text/plain' }),
        }),
      ]);
    });
    await ada.page.keyboard.press('Control+v');
    await waitForEditorText(ada.page, (text) => text.includes('Literal **stars** stay'), 'the HTML pasted');
    expect(nodeTypes(await editorJson(ada.page))).toEqual(['doc', 'paragraph', 'text']);
  });
});
