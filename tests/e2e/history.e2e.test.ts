/**
 * Version history (issue 13) in real Chromium against a real server and store: saving named
 * versions, the preview with its changes marked, downloading a version, restoring it (the
 * other tab follows) and taking the restore back with Ctrl+Z.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe.ts';
import { browserSuite, createDocumentUrl, openEditor, waitForEditorText } from '../helpers/browser.ts';

const ARTIFACTS = 'test-artifacts';
const suite = browserSuite();

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

async function openHistory(page: Page) {
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByRole('dialog', { name: 'History' }).waitFor();
}

async function saveVersion(page: Page, name: string) {
  const dialog = page.getByRole('dialog', { name: 'History' });
  await dialog.getByRole('button', { name: 'Save version…' }).click();
  await dialog.getByLabel('Name this version').fill(name);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.getByRole('button', { name: new RegExp(`^${name}`) }).waitFor();
}

async function closeHistory(page: Page) {
  await page.getByRole('dialog', { name: 'History' }).getByRole('button', { name: 'Close' }).click();
  await page.locator('.ProseMirror').first().click();
}

describe('version history in Chromium', () => {
  it('previews a version with its changes, downloads it, restores it everywhere, and Ctrl+Z takes it back', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Field notes');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    const text = ada.page.locator('.ProseMirror').first();
    await text.click();
    await ada.page.keyboard.type('Keep this line.');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.type('Old sentence here.');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await openHistory(ada.page);
    await saveVersion(ada.page, 'First draft');
    await closeHistory(ada.page);

    await ada.page.keyboard.press('Control+End');
    for (let i = 0; i < 'Old sentence here.'.length; i++) await ada.page.keyboard.press('Backspace');
    await ada.page.keyboard.type('New sentence there.');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await openHistory(ada.page);
    await saveVersion(ada.page, 'Second draft');

    // Newest first; the second draft shows what it changed since the first.
    const dialog = ada.page.getByRole('dialog', { name: 'History' });
    const rows = dialog.locator('.version-item .version-title');
    await expect.poll(() => rows.allTextContents()).toEqual(['Second draft', 'First draft']);
    await dialog.getByRole('button', { name: /^Second draft/ }).click();
    const preview = dialog.locator('.version-preview .ProseMirror');
    await preview.locator('ins.ychange-added', { hasText: 'New sentence there.' }).waitFor();
    await preview.locator('del.ychange-removed', { hasText: 'Old sentence here.' }).waitFor();
    expect(await preview.getAttribute('contenteditable')).toBe('false');
    expect(await preview.locator('.ychange', { hasText: 'Keep this line.' }).count()).toBe(0);
    await dialog.locator('.version-legend').waitFor();
    await ada.page.screenshot({ path: `${ARTIFACTS}/history-light.png` });
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.emulateMedia({ colorScheme: 'dark' });
    await ada.page.screenshot({ path: `${ARTIFACTS}/history-dark.png` });
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.emulateMedia({ colorScheme: 'light' });

    // The first draft, downloaded as Markdown, is the text as it was then.
    await dialog.getByRole('button', { name: /^First draft/ }).click();
    await preview.locator('ins.ychange-added', { hasText: 'Old sentence here.' }).waitFor();
    await dialog.getByRole('button', { name: 'Download this version' }).click();
    const [download] = await Promise.all([
      ada.page.waitForEvent('download'),
      dialog.getByRole('menuitem', { name: 'Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Field notes.md');
    expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(
      '# Field notes\n\nKeep this line.\n\nOld sentence here.\n',
    );

    await dialog.getByRole('button', { name: 'Restore this version' }).click();
    await ada.page
      .getByRole('status')
      .filter({ hasText: /^Restored the version of/ })
      .waitFor();
    const restored = (t: string) => t.includes('Old sentence here.') && !t.includes('New sentence');
    await waitForEditorText(ada.page, restored, 'the first draft back at Ada');
    await waitForEditorText(grace.page, restored, 'the first draft back at Grace');

    // One Ctrl+Z takes the whole restore back, for everyone.
    await ada.page.keyboard.press('Control+z');
    const undone = (t: string) => t.includes('New sentence there.') && !t.includes('Old sentence');
    await waitForEditorText(ada.page, undone, 'the restore undone at Ada');
    await waitForEditorText(grace.page, undone, 'the restore undone at Grace');
    expect(await ada.page.locator('.ProseMirror').first().textContent()).toContain('Keep this line.');

    // The state before the restore was kept as a version of its own.
    await openHistory(ada.page);
    await dialog.locator('.version-item', { hasText: 'Before restoring' }).first().waitFor();
    expect(ada.pageErrors).toEqual([]);
  });

  it('at 375 px the history fills the screen: the list, then the preview with a way back', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Phone notes');
    const ada = await suite.person('Ada', { width: 375, height: 740 });
    await openEditor(ada, url);
    await ada.page.locator('.ProseMirror').first().click();
    await ada.page.keyboard.type('Written on a phone.');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await ada.page.getByRole('button', { name: 'History' }).scrollIntoViewIfNeeded();
    await openHistory(ada.page);
    await saveVersion(ada.page, 'Phone draft');
    const dialog = ada.page.getByRole('dialog', { name: 'History' });
    expect((await dialog.boundingBox())!.width).toBe(375);
    await dialog.getByRole('button', { name: /^Phone draft/ }).click();
    await dialog.locator('ins.ychange-added', { hasText: 'Written on a phone.' }).waitFor();
    expect(await dialog.locator('.version-list').isVisible()).toBe(false);
    await ada.page.screenshot({ path: `${ARTIFACTS}/history-phone.png` });
    await dialog.getByRole('button', { name: 'Back to versions' }).click();
    await dialog.locator('.version-list').waitFor();
    expect(await ada.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // Restored from the phone, and taken back with the confirmation's Undo.
    await closeHistory(ada.page);
    await ada.page.keyboard.press('Control+End');
    await ada.page.keyboard.type(' Then more.');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await openHistory(ada.page);
    await dialog.getByRole('button', { name: /^Phone draft/ }).click();
    await dialog.getByRole('button', { name: 'Restore this version' }).click();
    const confirmation = ada.page.getByRole('status').filter({ hasText: /^Restored the version of/ });
    await waitForEditorText(ada.page, (t) => t === 'Written on a phone.', 'the phone draft restored');
    await confirmation.getByRole('button', { name: 'Undo' }).click();
    await waitForEditorText(ada.page, (t) => t === 'Written on a phone. Then more.', 'the restore undone');
    await expect.poll(() => confirmation.count()).toBe(0);
  });
});
