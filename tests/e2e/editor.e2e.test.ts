import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
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
const person = (name: string, viewport?: { width: number; height: number }) => suite.person(name, viewport);

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

const createDocument = (title: string) => createDocumentUrl(suite.server.url, title);

const status = (p: Person) => p.page.getByRole('status').innerText();

describe('the web editor in Chromium', () => {
  it('a new document appears in the list and opens with its title', async () => {
    const ada = await person('Ada');
    await ada.page.goto(suite.server.url);
    await ada.page.getByLabel('Title of the new document').fill('Launch checklist');
    await ada.page.getByRole('button', { name: 'New document' }).click();
    await ada.page.waitForURL(/\/d\//);
    await ada.page.locator('.ProseMirror').waitFor();
    // The title lives in the document and arrives with its first sync.
    await expect.poll(() => ada.page.getByLabel('Document title').inputValue()).toBe('Launch checklist');

    await ada.page.goto(suite.server.url);
    await expect
      .poll(() => ada.page.locator('.doc-list-title').allInnerTexts())
      .toContain('Launch checklist');
  });

  it('two people typing at once end with identical documents and see each other', async () => {
    const url = await createDocument('Together');
    const ada = await person('Ada Lovelace');
    const grace = await person('Grace Hopper');
    await openEditor(ada, url);
    await openEditor(grace, url);

    await ada.page.locator('.ProseMirror').click();
    await grace.page.locator('.ProseMirror').click();
    await Promise.all([
      ada.page.keyboard.type('Ada writes about engines. ', { delay: 15 }),
      grace.page.keyboard.type('Grace writes about compilers. ', { delay: 15 }),
    ]);

    const bothTexts = (t: string) =>
      t.includes('Ada writes about engines.') && t.includes('Grace writes about compilers.');
    await waitForEditorText(ada.page, bothTexts, "both people's text at Ada");
    await waitForEditorText(grace.page, bothTexts, "both people's text at Grace");
    await expect
      .poll(async () => JSON.stringify(await editorJson(ada.page)))
      .toBe(JSON.stringify(await editorJson(grace.page)));

    // Each sees the other's caret label and avatar.
    await ada.page.locator('.collaboration-carets__label', { hasText: 'Grace Hopper' }).waitFor();
    await grace.page.locator('.collaboration-carets__label', { hasText: 'Ada Lovelace' }).waitFor();
    await expect
      .poll(() =>
        ada.page.locator('.avatar').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))),
      )
      .toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(await status(ada)).toContain('Saved');
    await ada.page.screenshot({ path: `${ARTIFACTS}/two-person-editor.png` });
  });

  it('several tabs of one person show one avatar', async () => {
    const url = await createDocument('Tabs');
    const ada = await person('Ada');
    await openEditor(ada, url);
    const second = await ada.context.newPage();
    await second.goto(url);
    await second.locator('.ProseMirror').waitFor();
    const grace = await person('Grace');
    await openEditor(grace, url);
    await expect.poll(() => grace.page.locator('.avatar').count()).toBe(2);
  });

  it('someone offline keeps typing and, after reconnecting, both texts are in both editors', async () => {
    const url = await createDocument('Offline');
    const ada = await person('Ada');
    const grace = await person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Shared start. ');
    await waitForEditorText(grace.page, (t) => t.includes('Shared start.'), 'the shared start at Grace');

    await grace.goOffline();
    await grace.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await grace.page.locator('.ProseMirror').click();
    await grace.page.keyboard.press('End');
    await grace.page.keyboard.type('Written on a train.');
    await grace.page
      .getByRole('status')
      .filter({ hasText: 'Offline: changes kept on this device' })
      .waitFor();
    await ada.page.keyboard.type('Written at the office.');
    // Once a connected reader has Ada's words, the server has sent them to every socket of
    // the room: Grace, cut off, must still be without them.
    const reader = await person('Reader');
    await openEditor(reader, url);
    await waitForEditorText(
      reader.page,
      (t) => t.includes('office.'),
      'the office text at a connected reader',
    );
    expect(await editorText(grace.page)).not.toContain('office');

    await grace.goOnline();
    const merged = (t: string) => t.includes('Written on a train.') && t.includes('Written at the office.');
    await waitForEditorText(ada.page, merged, 'the merge at Ada');
    await waitForEditorText(grace.page, merged, 'the merge at Grace');
    await grace.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(JSON.stringify(await editorJson(ada.page))).toBe(JSON.stringify(await editorJson(grace.page)));
  });

  it('offline edits survive a reload and merge when the connection returns', async () => {
    const url = await createDocument('Reload offline');
    const ada = await person('Ada');
    await openEditor(ada, url);
    await ada.goOffline();
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Typed with no network.');
    await ada.page.getByRole('status').filter({ hasText: 'Offline: changes kept on this device' }).waitFor();
    await ada.page.reload();
    await waitForEditorText(
      ada.page,
      (t) => t.includes('Typed with no network.'),
      'the local copy after reload',
    );
    await ada.goOnline();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const grace = await person('Grace');
    await openEditor(grace, url);
    await waitForEditorText(
      grace.page,
      (t) => t.includes('Typed with no network.'),
      'the offline text at Grace',
    );
  });

  it('undo removes only your own typing', async () => {
    const url = await createDocument('Undo');
    const ada = await person('Ada');
    const grace = await person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Ada line.');
    await waitForEditorText(grace.page, (t) => t.includes('Ada line.'), "Ada's line at Grace");
    await grace.page.locator('.ProseMirror').click();
    await grace.page.keyboard.press('End');
    await grace.page.keyboard.type(' Grace line.');
    await waitForEditorText(ada.page, (t) => t.includes('Grace line.'), "Grace's line at Ada");

    await ada.page.getByRole('button', { name: 'Undo' }).click();
    const afterUndo = (t: string) => !t.includes('Ada line.') && t.includes('Grace line.');
    await waitForEditorText(ada.page, afterUndo, "Ada's line gone at Ada");
    await waitForEditorText(grace.page, afterUndo, "Ada's line gone at Grace");

    await ada.page.keyboard.press('Control+Shift+z');
    await waitForEditorText(
      grace.page,
      (t) => t.includes('Ada line.') && t.includes('Grace line.'),
      'redo at Grace',
    );
  });

  it('content survives a server restart and a reload, and reaches a new browser', async () => {
    const url = await createDocument('Restart');
    const ada = await person('Ada');
    await openEditor(ada, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('This must outlive the server.');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const startAgain = await suite.stopServer();
    await ada.page
      .getByRole('status')
      .filter({ hasText: /Offline/ })
      .waitFor();
    await startAgain();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor({ timeout: 15_000 });
    await ada.page.reload();
    await waitForEditorText(
      ada.page,
      (t) => t.includes('This must outlive the server.'),
      'content after reload',
    );

    const fresh = await person('Grace');
    await openEditor(fresh, url);
    await waitForEditorText(
      fresh.page,
      (t) => t.includes('This must outlive the server.'),
      'content in a new browser',
    );
  });

  it('is usable at phone width without horizontal scrolling', async () => {
    const url = await createDocument('Phone');
    const ada = await person('Ada', { width: 390, height: 800 });
    await openEditor(ada, url);
    const overflow = await ada.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await ada.page.screenshot({ path: `${ARTIFACTS}/phone-editor.png` });
  });
});
