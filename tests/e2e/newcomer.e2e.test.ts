/**
 * What a new writer hit in the first ten minutes (issue 16), each in real Chromium against a
 * real server: a blank page on a LAN address, lost keystrokes after Tab, no offline reload,
 * an empty "Untitled" page for a mistyped link, developer text, status scrolling away, and
 * the small things writers reach for.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LAN_HOST,
  browserSuite,
  createDocumentUrl,
  editorJson,
  editorText,
  openEditor,
  waitForEditorText,
  type Person,
} from '../helpers/browser.ts';

const ARTIFACTS = 'test-artifacts';
const suite = browserSuite();
const person = (name: string | null, viewport?: { width: number; height: number }) =>
  suite.person(name, viewport);
const createDocument = (title: string) => createDocumentUrl(suite.server.url, title);

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

const focusIsInEditor = (p: Person) =>
  p.page.evaluate(() => document.activeElement?.closest('.ProseMirror') !== null);

/** The node types of a ProseMirror JSON document, depth first. */
function nodeTypes(node: unknown): string[] {
  const { type, content } = node as { type: string; content?: unknown[] };
  return [type, ...(content ?? []).flatMap(nodeTypes)];
}

describe('a new writer in Chromium', () => {
  it('opens, writes in and shares a document over plain http on a network name', async () => {
    const lanUrl = suite.server.url.replace('127.0.0.1', LAN_HOST);
    const ada = await person('Ada');
    await ada.page.goto(lanUrl);
    // The browser treats this origin as a teammate's would: not a secure context.
    expect(await ada.page.evaluate(() => window.isSecureContext)).toBe(false);
    await ada.page.getByLabel('Title of the new document').fill('Team notes');
    await ada.page.getByRole('button', { name: 'New document' }).click();
    await ada.page.locator('.ProseMirror').waitFor();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Hello from the office network.');

    const grace = await person('Grace');
    await openEditor(grace, ada.page.url());
    await waitForEditorText(grace.page, (t) => t.includes('office network'), 'Ada’s text at Grace');

    // No Clipboard API in an insecure context: copying the link still works.
    await ada.page.getByRole('button', { name: 'Copy link' }).click();
    await ada.page.getByRole('button', { name: 'Link copied' }).waitFor();
    expect(ada.pageErrors).toEqual([]);
    expect(grace.pageErrors).toEqual([]);
  });

  it('Tab never throws away what is typed next: a tab in a paragraph, indenting in a list', async () => {
    const url = await createDocument('Tabs');
    const ada = await person('Ada');
    await openEditor(ada, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('First line');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.press('Tab');
    await ada.page.keyboard.type('second line');
    expect(await editorText(ada.page)).toContain('First line\n\n\tsecond line');
    expect(await focusIsInEditor(ada)).toBe(true);

    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.type('- apples');
    // The first item of a list cannot be indented: Tab keeps the caret where it is.
    await ada.page.keyboard.press('Tab');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.press('Tab');
    await ada.page.keyboard.type('green ones');
    expect(await focusIsInEditor(ada)).toBe(true);
    const list = JSON.stringify(await editorJson(ada.page));
    // "green ones" sits in a list nested inside the "apples" item.
    expect(list).toMatch(/"text":"apples"\}\]\},\{"type":"bulletList".*"text":"green ones"/);
    await ada.page.keyboard.press('Shift+Tab');
    await ada.page.keyboard.type('!');
    expect(nodeTypes(await editorJson(ada.page)).filter((t) => t === 'bulletList')).toHaveLength(1);
    expect(await editorText(ada.page)).toContain('green ones!');

    // Keyboard users are not trapped: Escape, then Tab, moves on.
    await ada.page.keyboard.press('Escape');
    await ada.page.keyboard.press('Tab');
    expect(await focusIsInEditor(ada)).toBe(false);
    expect(await editorText(ada.page)).not.toContain('green ones!\t');
  });

  it('a document opened once reloads offline, shows its local copy, and merges when back', async () => {
    const url = await createDocument('Field notes');
    const ada = await person('Ada');
    const grace = await person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Written online.');
    await waitForEditorText(grace.page, (t) => t.includes('Written online.'), 'online text at Grace');
    // The service worker took over this page on its first visit.
    await ada.page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    await ada.goOffline();
    await ada.context.setOffline(true);
    await ada.page.reload();
    await waitForEditorText(ada.page, (t) => t.includes('Written online.'), 'the local copy after reload');
    await ada.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.press('Control+End');
    await ada.page.keyboard.type(' Written offline.');
    await ada.page.getByRole('status').filter({ hasText: 'Offline: changes kept on this device' }).waitFor();
    await ada.page.screenshot({ path: `${ARTIFACTS}/offline-reload.png` });

    await ada.context.setOffline(false);
    await ada.goOnline();
    await waitForEditorText(grace.page, (t) => t.includes('Written offline.'), 'the offline text at Grace');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  });

  it('a link to a missing document says so, and only "Create it" makes it', async () => {
    const ada = await person('Ada');
    const missing = `${suite.server.url}/api/docs/meeting-notes-2026`;
    await ada.page.goto(`${suite.server.url}/d/meeting-notes-2026`);
    await ada.page.getByRole('heading', { name: 'No document at this link' }).waitFor();
    expect(await ada.page.locator('.ProseMirror').count()).toBe(0);
    expect((await fetch(missing)).status).toBe(404);

    await ada.page.getByRole('button', { name: 'Create it' }).click();
    await ada.page.locator('.ProseMirror').waitFor();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await fetch(missing)).status).toBe(200);

    // Unknown pages are pages, with a way home; the API keeps answering JSON.
    const page = await fetch(`${suite.server.url}/no/such/page`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const api = await fetch(`${suite.server.url}/api/no-such-route`);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    await ada.page.goto(`${suite.server.url}/no/such/page`);
    await ada.page.getByRole('heading', { name: 'This page does not exist' }).waitFor();
    await ada.page.getByRole('button', { name: 'Go to your documents' }).click();
    await ada.page.getByRole('heading', { name: 'Documents' }).waitFor();
  });

  it('a link with an impossible name is explained in words for a writer', async () => {
    const ada = await person('Ada');
    await ada.page.goto(`${suite.server.url}/d/not%07a-valid-name`);
    await ada.page.getByRole('heading', { name: 'No document at this link' }).waitFor();
    const text = await ada.page.locator('body').innerText();
    for (const developerWords of ['control', 'document name', 'Offline', '4400', 'UTF-8']) {
      expect(text).not.toContain(developerWords);
    }
    expect(await ada.page.getByRole('button', { name: 'Create it' }).count()).toBe(0);
  });

  it('status, people and sharing stay in view in a long document; offline fits one line on a phone', async () => {
    const url = await createDocument('A long read');
    const ada = await person('Ada');
    await openEditor(ada, url);
    await ada.page.evaluate(() => {
      const dom = document.querySelector('.ProseMirror') as HTMLElement & {
        editor: { commands: { insertContent(html: string): boolean } };
      };
      const paragraph = '<p>A paragraph long enough to take a line or two of the page, again and again.</p>';
      dom.editor.commands.insertContent(paragraph.repeat(80));
    });
    await ada.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    expect(await ada.page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    const inView = async (selector: string) =>
      ada.page.locator(selector).evaluate((element) => {
        const box = element.getBoundingClientRect();
        const onTop = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return box.top >= 0 && box.bottom <= window.innerHeight && element.contains(onTop);
      });
    for (const selector of ['.status', '.avatars', '.share-button', '.toolbar']) {
      expect({ selector, inView: await inView(selector) }).toEqual({ selector, inView: true });
    }
    await ada.page.screenshot({ path: `${ARTIFACTS}/long-document-scrolled.png` });

    const phone = await person('Grace', { width: 375, height: 740 });
    await openEditor(phone, url);
    await phone.goOffline();
    await phone.page.locator('.ProseMirror').click();
    await phone.page.keyboard.type('On the bus. ');
    await phone.page
      .getByRole('status')
      .filter({ hasText: 'Offline: changes kept on this device' })
      .waitFor();
    const line = await phone.page.locator('.status').evaluate((status) => {
      const shown = [...status.querySelectorAll<HTMLElement>('.status-text')].find(
        (span) => span.getClientRects().length > 0 && span.offsetWidth > 1,
      )!;
      return {
        text: shown.innerText,
        lines: Math.round(shown.offsetHeight / parseFloat(getComputedStyle(shown).lineHeight)),
        cut: shown.scrollWidth > shown.clientWidth,
      };
    });
    expect(line).toEqual({ text: expect.stringMatching(/^Offline/), lines: 1, cut: false });
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await phone.page.screenshot({ path: `${ARTIFACTS}/phone-offline.png` });
  });

  it('prints the document only, and Ctrl+S answers with the save state', async () => {
    const url = await createDocument('Printable');
    const ada = await person('Ada');
    await openEditor(ada, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Words on paper.');

    await ada.page.evaluate(() => {
      document.addEventListener(
        'keydown',
        (event) => {
          if (event.key === 's')
            setTimeout(() =>
              document.body.setAttribute('data-save-prevented', String(event.defaultPrevented)),
            );
        },
        true,
      );
    });
    await ada.page.keyboard.press('Control+s');
    await ada.page.getByText(/All changes are saved|Saving your latest changes/).waitFor();
    expect(await ada.page.locator('body').getAttribute('data-save-prevented')).toBe('true');

    await ada.page.emulateMedia({ media: 'print' });
    for (const hidden of ['.doc-header', '.toolbar', '.toast']) {
      expect({ hidden, visible: await ada.page.locator(hidden).isVisible() }).toEqual({
        hidden,
        visible: false,
      });
    }
    expect(await ada.page.getByRole('heading', { name: 'Printable' }).isVisible()).toBe(true);
    expect(await ada.page.getByText('Words on paper.').isVisible()).toBe(true);
    await ada.page.pdf({ path: `${ARTIFACTS}/printed.pdf` });
  });

  it('reading needs no name; typing asks for one without taking the keystrokes; the caret comes back', async () => {
    const url = await createDocument('First visit');
    const lin = await person(null);
    await openEditor(lin, url);
    expect(await lin.page.getByRole('dialog').count()).toBe(0);
    await lin.page.locator('.ProseMirror').click();
    await lin.page.keyboard.type('Hi');
    await lin.page.getByText(/Others see you as Guest/).waitFor();
    await lin.page.keyboard.type(' all');
    expect(await editorText(lin.page)).toContain('Hi all');

    await lin.page.getByRole('button', { name: 'Set your name' }).first().click();
    await lin.page.getByRole('textbox', { name: 'Your name' }).fill('Lin');
    await lin.page.getByRole('button', { name: 'Save' }).click();
    expect(await focusIsInEditor(lin)).toBe(true);
    await lin.page.keyboard.type(' there');
    expect(await editorText(lin.page)).toContain('Hi all there');
    // One word, one initial.
    await expect.poll(() => lin.page.locator('.avatar').first().innerText()).toBe('L');
  });

  it('toolbar buttons are named as they look, underline included, and the title field is visible', async () => {
    const url = await createDocument('Accessible');
    const ada = await person('Ada');
    await openEditor(ada, url);
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    await ada.page.addScriptTag({ path: axePath });
    const violations = await ada.page.evaluate(async () => {
      type Violation = { id: string; nodes: { html: string }[] };
      const axe = (
        window as unknown as { axe: { run(o: unknown, c: unknown): Promise<{ violations: Violation[] }> } }
      ).axe;
      const result = await axe.run(document, {
        runOnly: ['label-content-name-mismatch', 'button-name', 'aria-toggle-field-name'],
      });
      return result.violations.flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.html}`));
    });
    expect(violations).toEqual([]);

    await ada.page.locator('.ProseMirror').click();
    await ada.page.getByRole('button', { name: 'Underline' }).click();
    await ada.page.keyboard.type('underlined');
    expect(JSON.stringify(await editorJson(ada.page))).toContain('"marks":[{"type":"underline"}]');

    await ada.page.goto(suite.server.url);
    const contrast = await ada.page.getByLabel('Title of the new document').evaluate((input) => {
      const rgb = (css: string) =>
        css
          .match(/\d+(\.\d+)?/g)!
          .slice(0, 3)
          .map(Number);
      const luminance = (css: string) => {
        const [r, g, b] = rgb(css).map((c) => {
          const s = c / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const border = luminance(getComputedStyle(input).borderTopColor);
      const page = luminance(getComputedStyle(document.body).backgroundColor);
      return (Math.max(border, page) + 0.05) / (Math.min(border, page) + 0.05);
    });
    expect(contrast).toBeGreaterThanOrEqual(3);
  });

  it('rich paste keeps headings, lists, links, marks, tables, checklists and images', async () => {
    const url = await createDocument('Pasted');
    const ada = await person('Ada');
    const grace = await person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await ada.page.locator('.ProseMirror').click();
    // As Google Docs puts it on the clipboard: a <b> wrapper that is not bold.
    const html =
      '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1">' +
      '<h2>Shopping</h2><p>Buy <strong>fresh</strong> <em>fruit</em> at <a href="https://example.com/market">the market</a>.</p>' +
      '<ul><li><p>Apples</p></li><li><p>Pears</p></li></ul>' +
      '<table><tbody><tr><th><p>Name</p></th><th><p>Qty</p></th></tr><tr><td><p>Apples</p></td><td><p>3</p></td></tr></tbody></table>' +
      '<ul data-type="taskList"><li data-type="taskItem" data-checked="true"><p>Milk</p></li>' +
      '<li data-type="taskItem" data-checked="false"><p>Bread</p></li></ul>' +
      '<img src="https://example.com/basket.png" alt="A basket"></b>';
    await ada.page.evaluate(async (content) => {
      await navigator.clipboard.write([
        new ClipboardItem({
          'text/html': new Blob([content], { type: 'text/html' }),
          'text/plain': new Blob(['plain fallback'], { type: 'text/plain' }),
        }),
      ]);
    }, html);
    await ada.page.keyboard.press('Control+v');

    const doc = await editorJson(ada.page);
    const types = nodeTypes(doc);
    for (const type of [
      'heading',
      'bulletList',
      'table',
      'tableHeader',
      'tableCell',
      'taskList',
      'taskItem',
      'image',
    ]) {
      expect({ type, kept: types.includes(type) }).toEqual({ type, kept: true });
    }
    const json = JSON.stringify(doc);
    expect(json).toContain('"type":"bold"');
    expect(json).toContain('"type":"italic"');
    expect(json).toContain('"href":"https://example.com/market"');
    expect(json).toContain('"checked":true');
    expect(json).not.toContain('NameQty');
    await expect.poll(async () => JSON.stringify(await editorJson(grace.page))).toBe(json);
    await grace.page.screenshot({ path: `${ARTIFACTS}/rich-paste.png` });
  });
});
