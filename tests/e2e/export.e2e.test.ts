import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, createDocumentUrl, openEditor } from '../helpers/browser.ts';

const ARTIFACTS = 'test-artifacts';
const suite = browserSuite();

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

describe('exporting from the editor in Chromium', () => {
  it('"Download as Markdown" saves the title and the formatted text', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Field report'));
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('## Findings');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.type('- soil is dry');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    // The download menu is keyboard-operable: Enter opens it on its first item.
    await ada.page.getByRole('button', { name: 'Download' }).focus();
    await ada.page.keyboard.press('Enter');
    const menu = ada.page.getByRole('menu', { name: 'Download' });
    await expect.poll(() => menu.isVisible()).toBe(true);
    await ada.page.keyboard.press('ArrowDown');
    await ada.page.keyboard.press('ArrowUp');
    expect(await ada.page.evaluate(() => document.activeElement?.textContent)).toBe('Markdown');
    await ada.page.screenshot({ path: `${ARTIFACTS}/export-menu.png` });
    const [download] = await Promise.all([
      ada.page.waitForEvent('download'),
      ada.page.keyboard.press('Enter'),
    ]);
    expect(download.suggestedFilename()).toBe('Field report.md');
    const file = fs.readFileSync((await download.path())!, 'utf8');
    expect(file).toBe('# Field report\n\n## Findings\n\n- soil is dry\n');
  });
});

describe('the download menu', () => {
  it('Escape closes it and gives focus back to its button', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Menu'));
    await ada.page.getByRole('button', { name: 'Download' }).click();
    await ada.page.getByRole('menuitem', { name: 'HTML' }).waitFor();
    await ada.page.keyboard.press('Escape');
    await expect.poll(() => ada.page.getByRole('menu', { name: 'Download' }).isVisible()).toBe(false);
    expect(await ada.page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
  });
});
