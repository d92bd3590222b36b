/** Importing files on the home page (issue 13) in real Chromium against a real server. */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe.ts';
import { browserSuite } from '../helpers/browser.ts';

const ARTIFACTS = 'test-artifacts';
const MAX_DOCUMENT_BYTES = 64 * 1024;
const suite = browserSuite({ maxDocumentBytes: MAX_DOCUMENT_BYTES });

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

async function documentCount(): Promise<number> {
  const response = await fetch(`${suite.server.url}/api/docs`);
  return ((await response.json()) as { documents: unknown[] }).documents.length;
}

async function chooseFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Import…' }).click(),
  ]);
  await chooser.setFiles(file);
}

describe('importing a file from the home page', () => {
  it('a Markdown file opens as a formatted document titled by its first heading', async () => {
    const ada = await suite.person('Ada');
    await ada.page.goto(suite.server.url);
    await ada.page.getByRole('button', { name: 'Import…' }).waitFor();
    expect(await seriousViolations(ada.page)).toEqual([]);
    await chooseFile(ada.page, {
      name: 'notes.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('# Trip plan\n\n## Day one\n\n- pack the **tent**\n- drive north\n'),
    });
    await ada.page.waitForURL(/\/d\//);
    const editor = ada.page.locator('.ProseMirror');
    await editor.locator('h2', { hasText: 'Day one' }).waitFor();
    await editor.locator('ul > li strong', { hasText: 'tent' }).waitFor();
    await expect.poll(() => ada.page.getByLabel('Document title').inputValue()).toBe('Trip plan');
    await ada.page.screenshot({ path: `${ARTIFACTS}/import-markdown.png` });
  });

  it('an HTML file dropped on the list opens with its formatting and its page title', async () => {
    const ada = await suite.person('Ada');
    await ada.page.goto(suite.server.url);
    await ada.page.getByText('Drop a Markdown or HTML file here').waitFor();
    await ada.page.screenshot({ path: `${ARTIFACTS}/import-home.png` });
    await ada.page.evaluate(() => {
      const html =
        '<html><head><title>Dinner menu</title></head><body><h2>Starters</h2><ol><li>Soup</li><li>Salad</li></ol></body></html>';
      const data = new DataTransfer();
      data.items.add(new File([html], 'menu.html', { type: 'text/html' }));
      const main = document.querySelector('main')!;
      main.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      main.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await ada.page.waitForURL(/\/d\//);
    await ada.page.locator('.ProseMirror ol > li', { hasText: 'Salad' }).waitFor();
    await ada.page.locator('.ProseMirror h2', { hasText: 'Starters' }).waitFor();
    await expect.poll(() => ada.page.getByLabel('Document title').inputValue()).toBe('Dinner menu');
    await ada.page.screenshot({ path: `${ARTIFACTS}/import-html.png` });
  });

  it('a file that is not text, or too large, is refused in the page and nothing is created', async () => {
    const ada = await suite.person('Ada');
    await ada.page.goto(suite.server.url);
    await ada.page.getByRole('button', { name: 'Import…' }).waitFor();
    const before = await documentCount();

    await chooseFile(ada.page, {
      name: 'photo.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00]),
    });
    await ada.page.getByRole('alert').filter({ hasText: '“photo.md” is not a text file' }).waitFor();

    await chooseFile(ada.page, {
      name: 'huge.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('A long line of words.\n\n'.repeat(Math.ceil((MAX_DOCUMENT_BYTES * 2) / 23))),
    });
    await ada.page.getByRole('alert').filter({ hasText: '“huge.md” is too large to import' }).waitFor();
    await ada.page.screenshot({ path: `${ARTIFACTS}/import-refused.png` });

    await chooseFile(ada.page, {
      name: 'slides.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4'),
    });
    await ada.page.getByRole('alert').filter({ hasText: '“slides.pdf” cannot be imported' }).waitFor();
    expect(new URL(ada.page.url()).pathname).toBe('/');
    expect(await documentCount()).toBe(before);
  });
});
