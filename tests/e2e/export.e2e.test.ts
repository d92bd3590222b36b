import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserSuite, createDocumentUrl, openEditor } from '../helpers/browser.ts';

const suite = browserSuite();

describe('exporting from the editor in Chromium', () => {
  it('"Download as Markdown" saves the title and the formatted text', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Field report'));
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('## Findings');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.type('- soil is dry');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const [download] = await Promise.all([
      ada.page.waitForEvent('download'),
      ada.page.getByRole('link', { name: 'Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Field report.md');
    const file = fs.readFileSync((await download.path())!, 'utf8');
    expect(file).toBe('# Field report\n\n## Findings\n\n- soil is dry\n');
  });
});
