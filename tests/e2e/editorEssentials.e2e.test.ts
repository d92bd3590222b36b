/**
 * The editor features writers reach for first (issue 14), in real Chromium against a real
 * server: links, tables, checklists, counts, shortcuts, the document list, phone width,
 * dark mode and accessibility.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import {
  browserSuite,
  copyPlainText,
  createDocumentUrl,
  editorJson,
  openEditor,
  waitForEditorText,
} from '../helpers/browser.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { connectClient } from '../helpers/clients.ts';

const ARTIFACTS = 'test-artifacts';
const suite = browserSuite();
const createDocument = (title: string) => createDocumentUrl(suite.server.url, title);

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

const json = async (page: Page) => JSON.stringify(await editorJson(page));

/**
 * ProseMirror reads a keyboard selection on the browser's next selectionchange event; a
 * person takes longer than that before the next shortcut.
 */
async function selectionSettled(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const dom = document.querySelector('.ProseMirror') as HTMLElement & {
          editor: { state: { selection: { empty: boolean } } };
        };
        return dom.editor.state.selection.empty;
      }),
    )
    .toBe(false);
}

/** The visible controls matching `selector` smaller than a 40 × 40 px touch target, named. */
function smallTargets(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((controls) =>
    controls
      .map((control) => ({ control, box: control.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.height < 40 || box.width < 40))
      .map(
        ({ control, box }) =>
          `${control.tagName.toLowerCase()} "${control.getAttribute('aria-label') ?? control.textContent?.trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`,
      ),
  );
}

const CONTROLS = 'button, input, select, a';

/** Rows of the document list or the trash whose title is cut off or under their buttons. */
function crampedRows(page: Page): Promise<string[]> {
  return page.locator('.doc-row').evaluateAll((rows) =>
    rows.flatMap((row) => {
      const title = row.querySelector('.doc-list-title')!;
      const box = title.getBoundingClientRect();
      const covered = [...row.querySelectorAll('button')].some((button) => {
        const b = button.getBoundingClientRect();
        return b.left < box.right && box.left < b.right && b.top < box.bottom && box.top < b.bottom;
      });
      return covered || title.scrollWidth > title.clientWidth ? [title.textContent ?? ''] : [];
    }),
  );
}

/** Selects the last `length` characters before the caret. */
async function selectBack(page: Page, length: number): Promise<void> {
  for (let i = 0; i < length; i++) await page.keyboard.press('Shift+ArrowLeft');
  await selectionSettled(page);
}

describe('editor essentials in Chromium', () => {
  it('adds a link with Ctrl+K, edits it and removes it', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocument('Links'));
    const editor = ada.page.locator('.ProseMirror');
    await editor.click();
    await ada.page.keyboard.type('Read the manual');
    await ada.page.keyboard.press('Shift+Home');
    await selectionSettled(ada.page);
    await ada.page.keyboard.press('Control+k');
    await ada.page.getByLabel('Link address').fill('example.com/manual');
    await ada.page.keyboard.press('Enter');
    await editor.locator('a[href="https://example.com/manual"]', { hasText: 'Read the manual' }).waitFor();
    // The caret is back in the text, where the next keys go.
    expect(await ada.page.evaluate(() => document.activeElement?.closest('.ProseMirror') !== null)).toBe(
      true,
    );
    expect(await editor.locator('a').getAttribute('rel')).toContain('noopener');
    expect(await editor.locator('a').getAttribute('target')).toBe('_blank');

    await ada.page.keyboard.press('ArrowLeft');
    await ada.page.keyboard.press('Control+k');
    await ada.page.getByLabel('Link address').fill('https://example.org/');
    await ada.page.getByRole('button', { name: 'Update' }).click();
    await editor.locator('a[href="https://example.org/"]').waitFor();

    await ada.page.keyboard.press('Control+k');
    await ada.page.getByLabel('Link address').fill('javascript:alert(1)');
    await ada.page.keyboard.press('Enter');
    await ada.page.getByRole('alert').filter({ hasText: 'Only web' }).waitFor();
    await ada.page.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => editor.locator('a').count()).toBe(0);
    expect(await json(ada.page)).toContain('Read the manual');
  });

  it('a web address becomes a link once the space after it is typed', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocument('Typed link'));
    const editor = ada.page.locator('.ProseMirror');
    await editor.click();
    await ada.page.keyboard.type('see https://example.com');
    expect(await editor.locator('a').count()).toBe(0);
    await ada.page.keyboard.type(' and more');
    await editor.locator('a[href="https://example.com"]', { hasText: 'https://example.com' }).waitFor();
    expect(await editor.locator('a').textContent()).toBe('https://example.com');
    await waitForEditorText(ada.page, (t) => t === 'see https://example.com and more', 'the typed text');
  });

  it('pasting a web address over a selected word links it; a javascript: address does not', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocument('Pasted links'));
    const editor = ada.page.locator('.ProseMirror');
    await editor.click();
    await ada.page.keyboard.type('Read the docs');
    await selectBack(ada.page, 'docs'.length);
    await copyPlainText(ada.page, 'https://example.com/docs');
    await ada.page.keyboard.press('Control+v');
    await editor.locator('a[href="https://example.com/docs"]', { hasText: 'docs' }).waitFor();
    expect(await editor.locator('a').textContent()).toBe('docs');
    await waitForEditorText(ada.page, (t) => t === 'Read the docs', 'the word kept as the link text');

    await ada.page.keyboard.press('End');
    await ada.page.keyboard.type(' or click here');
    await selectBack(ada.page, 'here'.length);
    await copyPlainText(ada.page, 'javascript:alert(document.cookie)');
    await ada.page.keyboard.press('Control+v');
    // Pasted as the text it is, replacing the selection, and never as a link.
    await waitForEditorText(
      ada.page,
      (t) => t.endsWith('click javascript:alert(document.cookie)'),
      'the paste',
    );
    expect(await editor.locator('a').count()).toBe(1);
    expect(await json(ada.page)).not.toContain('"href":"javascript:');
  });

  it('a javascript: link written into the Yjs document by a raw client is inert', async () => {
    const url = await createDocument('Hostile');
    const grace = await suite.person('Grace');
    await openEditor(grace, url);
    const name = decodeURIComponent(new URL(url).pathname.slice('/d/'.length));
    const raw = connectClient(suite.server.syncUrl, name);
    await raw.firstSync;
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    raw.doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph]);
    text.insert(0, 'click me', { link: { href: 'javascript:alert(document.cookie)', target: '_self' } });
    text.insert(8, ' or me', { link: { href: ' data:text/html,<script>alert(1)</script>' } });
    await waitForEditorText(grace.page, (t) => t.includes('click me or me'), 'the hostile text');
    const editor = grace.page.locator('.ProseMirror');
    expect(await editor.locator('a').count()).toBe(0);
    expect(await editor.locator('.link-refused').count()).toBeGreaterThan(0);
    raw.destroy();
  });

  it('a table and a checklist made by one person are edited by the other, and both converge', async () => {
    const url = await createDocument('Plans');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.getByRole('button', { name: 'Insert table' }).click();
    await ada.page.keyboard.type('Item');
    await ada.page.keyboard.press('Tab');
    await ada.page.keyboard.type('Owner');
    await ada.page.getByRole('button', { name: 'Add row below' }).waitFor();

    await grace.page.locator('.ProseMirror table').waitFor();
    await grace.page.locator('.ProseMirror td').first().click();
    await grace.page.keyboard.type('Tickets');
    await grace.page.getByRole('button', { name: 'Add column right' }).click();

    // Below the table, Markdown-style typing starts a checklist.
    await ada.page.evaluate(() => {
      const dom = document.querySelector('.ProseMirror') as HTMLElement & {
        editor: { commands: { focus(position: string): boolean } };
      };
      dom.editor.commands.focus('end');
    });
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.type('- [ ] Book the room');
    await grace.page
      .locator('.ProseMirror ul[data-type="taskList"] input[type="checkbox"]')
      .first()
      .waitFor();
    await grace.page.locator('.ProseMirror ul[data-type="taskList"] input[type="checkbox"]').first().check();

    await expect.poll(async () => (await json(ada.page)).includes('"checked":true')).toBe(true);
    await expect.poll(() => json(ada.page)).toBe(await json(grace.page));
    const doc = await json(ada.page);
    expect(doc).toContain('"text":"Tickets"');
    expect(doc).toContain('"type":"tableHeader"');
    await grace.page.screenshot({ path: `${ARTIFACTS}/table-and-checklist.png` });
  });

  it('counts words (of the selection too) and lists the shortcuts on Ctrl+/', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocument('Counting'));
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('One two three four five.');
    await ada.page.getByText('5 words · 24 characters').waitFor();
    await ada.page.keyboard.press('Shift+Home');
    await ada.page.getByText('Selection: 5 words').waitFor();
    await ada.page.keyboard.press('Control+/');
    const dialog = ada.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.getByText('Underline').waitFor();
    await dialog.getByText('Link').waitFor();
    await ada.page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('the document list finds a document by title as you type and sorts by title', async () => {
    for (const title of ['Zebra notes', 'Café plans', 'apple pie']) await createDocument(title);
    const ada = await suite.person('Ada');
    await ada.page.goto(suite.server.url);
    await ada.page.getByLabel('Search documents by title').fill('cafe');
    await expect.poll(() => ada.page.locator('.doc-list-title').allInnerTexts()).toEqual(['Café plans']);
    await ada.page.getByLabel('Search documents by title').fill('');
    await ada.page.getByLabel('Sort by').selectOption('title');
    const titles = await ada.page.locator('.doc-list-title').allInnerTexts();
    expect(titles.indexOf('apple pie')).toBeLessThan(titles.indexOf('Café plans'));
    expect(titles.indexOf('Café plans')).toBeLessThan(titles.indexOf('Zebra notes'));
  });

  it('works at 375 px, in dark mode, with no serious accessibility problems', async () => {
    const url = await createDocument('Small screen');
    const trashed = await createDocument('Old draft');
    const trashedName = decodeURIComponent(new URL(trashed).pathname.slice('/d/'.length));
    await fetch(`${suite.server.url}/api/docs/${encodeURIComponent(trashedName)}`, { method: 'DELETE' });
    const ada = await suite.person('Ada', { width: 375, height: 740 });
    await ada.page.goto(suite.server.url);
    await ada.page.getByRole('heading', { name: 'Documents' }).waitFor();
    await ada.page.getByRole('button', { name: 'Delete Small screen' }).waitFor();
    const overflow = () => ada.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBe(0);
    // New document, import, search, sort, the trash link and every row's actions.
    expect(await smallTargets(ada.page, CONTROLS)).toEqual([]);
    expect(await crampedRows(ada.page)).toEqual([]);
    // Wide enough to show what it asks for ("Title of a new document").
    const titleField = await ada.page.getByLabel('Title of the new document').boundingBox();
    expect(titleField!.width).toBeGreaterThan(200);
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.screenshot({ path: `${ARTIFACTS}/home-phone.png`, fullPage: true });

    await ada.page.goto(`${suite.server.url}/trash`);
    await ada.page.getByRole('button', { name: 'Restore Old draft' }).waitFor();
    expect(await overflow()).toBe(0);
    expect(await smallTargets(ada.page, CONTROLS)).toEqual([]);
    expect(await crampedRows(ada.page)).toEqual([]);
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.screenshot({ path: `${ARTIFACTS}/trash-phone.png`, fullPage: true });

    await openEditor(ada, url);
    expect(await overflow()).toBe(0);
    expect(await smallTargets(ada.page, '.toolbar button')).toEqual([]);
    expect(await seriousViolations(ada.page)).toEqual([]);

    await ada.page.getByRole('button', { name: 'Dark mode' }).click();
    const background = () => ada.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).not.toBe('rgb(246, 245, 242)');
    await ada.page.reload();
    await ada.page.locator('.ProseMirror').waitFor();
    // Remembered across reloads, applied before the first paint.
    expect(await ada.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Reading at night.');
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.screenshot({ path: `${ARTIFACTS}/phone-dark.png` });

    const desktop = await suite.person('Grace');
    await desktop.page.emulateMedia({ colorScheme: 'dark' });
    await openEditor(desktop, url);
    expect(await desktop.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      'rgb(18, 20, 24)',
    );
    await desktop.page.screenshot({ path: `${ARTIFACTS}/editor-dark.png` });
  });
});
