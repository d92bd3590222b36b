/**
 * Images (issue 14) in real Chromium against a real server: pasted, uploaded, seen by a
 * collaborator, refused with a visible message, and still there after a restart.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { browserSuite, createDocumentUrl, editorJson, openEditor } from '../helpers/browser.ts';
import { connectClient } from '../helpers/clients.ts';

const MAX_IMAGE_BYTES = 4096;
const suite = browserSuite({ maxImageBytes: MAX_IMAGE_BYTES });

/** A 1 × 1 PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Pastes one file into the editor, as the clipboard of a screenshot tool would. */
async function pasteFile(page: Page, file: { base64?: string; text?: string; size?: number; type: string }) {
  await page.locator('.ProseMirror').click();
  await page.evaluate(({ base64, text, size, type }) => {
    let bytes: Uint8Array<ArrayBuffer>;
    if (base64 !== undefined) bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    else if (text !== undefined) bytes = new TextEncoder().encode(text);
    else bytes = new Uint8Array(size ?? 0);
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'pasted', { type }));
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    document.querySelector('.ProseMirror')!.dispatchEvent(event);
  }, file);
}

/** Holds this page's uploads for good: the request never reaches the server. */
const holdUploads = (page: Page) => page.route('**/images', () => {});

/** Holds this page's uploads until the returned function is called, then lets them through. */
async function holdUploadsUntilReleased(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/images', async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

const placeholderCount = (page: Page) => page.locator('.ProseMirror img[data-upload-id]').count();

/** The server's copy of a document, as a fresh client receives it: its images' upload ids. */
async function storedUploadIds(docUrl: string): Promise<unknown[]> {
  const client = connectClient(suite.server.syncUrl, decodeURIComponent(new URL(docUrl).pathname.slice(3)));
  try {
    await client.firstSync;
    const fragment = client.doc.getXmlFragment(CONTENT_FRAGMENT);
    return [
      ...fragment.createTreeWalker((node) => node instanceof Y.XmlElement && node.nodeName === 'image'),
    ].map((node) => (node as Y.XmlElement).getAttribute('uploadId'));
  } finally {
    client.destroy();
  }
}

/** The top-level nodes of the editor's document: `image` or a paragraph's text. */
async function blocks(page: Page): Promise<string[]> {
  const doc = (await editorJson(page)) as { content: { type: string; content?: { text?: string }[] }[] };
  return doc.content.map((node) =>
    node.type === 'paragraph' ? (node.content ?? []).map((child) => child.text ?? '').join('') : node.type,
  );
}

const loadedImages = (page: Page) =>
  page
    .locator('.ProseMirror img')
    .evaluateAll((images) =>
      images.filter((i) => (i as HTMLImageElement).naturalWidth > 0).map((i) => i.getAttribute('src')),
    );

describe('images in Chromium', () => {
  it('a pasted PNG is uploaded and both browsers show it; it survives a restart', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Screenshots');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    for (const page of [ada.page, grace.page]) {
      await expect
        .poll(() => loadedImages(page), { timeout: 20_000 })
        .toEqual([expect.stringMatching(/^\/blobs\/[0-9a-f]{64}$/)]);
    }
    expect(await ada.page.locator('.ProseMirror img[data-upload-id]').count()).toBe(0);

    const restart = await suite.stopServer();
    await restart();
    await grace.page.reload();
    await grace.page.locator('.ProseMirror').waitFor();
    await expect.poll(() => loadedImages(grace.page), { timeout: 20_000 }).toHaveLength(1);
  });

  it('every collaborator sees the placeholder of an upload in flight resolve into the image', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Slow upload');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    // Ada's upload is held until Grace has seen its placeholder.
    const release = await holdUploadsUntilReleased(ada.page);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    await grace.page.locator('.ProseMirror img[data-upload-id]').waitFor({ state: 'attached' });
    expect(await grace.page.locator('.ProseMirror img[src]').count()).toBe(0);
    await grace.page.screenshot({ path: 'test-artifacts/image-placeholder.png' });
    release();
    await expect.poll(() => loadedImages(grace.page), { timeout: 20_000 }).toHaveLength(1);
    expect(await grace.page.locator('.ProseMirror img[data-upload-id]').count()).toBe(0);

    // Alt text: select the image, describe it (Enter saves); the other browser gets it.
    await ada.page.locator('.ProseMirror img').click();
    await ada.page.getByRole('button', { name: /Image description/ }).click();
    const field = ada.page.getByLabel('Describe the image for people who cannot see it');
    await field.waitFor();
    expect(await field.evaluate((input) => input === document.activeElement)).toBe(true);
    await ada.page.keyboard.type('A single blue pixel');
    await ada.page.keyboard.press('Enter');
    await grace.page.locator('.ProseMirror img[alt="A single blue pixel"]').waitFor({ state: 'attached' });
    expect(await field.count()).toBe(0);
    await grace.page.screenshot({ path: 'test-artifacts/image-uploaded.png' });
  });

  it('asks before leaving a document while an image is uploading; staying, the image arrives', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Upload before leaving');
    const ada = await suite.person('Ada');
    await openEditor(ada, url);
    const release = await holdUploadsUntilReleased(ada.page);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    await ada.page.locator('.ProseMirror img[data-upload-id]').waitFor({ state: 'attached' });
    const questions: string[] = [];
    ada.page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });

    await ada.page.locator('a.brand').click();
    await expect.poll(() => questions).toHaveLength(1);
    expect(questions[0]).toMatch(/image is still uploading/);
    expect(ada.page.url()).toBe(url);

    release();
    await expect.poll(() => loadedImages(ada.page), { timeout: 20_000 }).toHaveLength(1);
    // Nothing running any more: the link is followed without a question.
    await ada.page.locator('a.brand').click();
    await ada.page.waitForURL(`${suite.server.url}/`);
    expect(questions).toHaveLength(1);
  });

  it('a placeholder whose uploader’s tab closed mid-upload disappears for everyone', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Abandoned upload');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await holdUploads(ada.page);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    await grace.page.locator('.ProseMirror img[data-upload-id]').waitFor({ state: 'attached' });
    expect(await storedUploadIds(url)).toEqual([expect.any(String)]);

    // Ada's tab goes away with the upload unfinished; nobody else can ever resolve it.
    await ada.page.close();
    await expect.poll(() => placeholderCount(grace.page), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => storedUploadIds(url)).toEqual([]);
    expect(grace.pageErrors).toEqual([]);
  });

  it('an upload whose placeholder was removed meanwhile still ends up in the document', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Removed placeholder');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    const release = await holdUploadsUntilReleased(ada.page);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    // Grace removes the placeholder (as a collaborator does who saw Ada's connection drop).
    const placeholder = grace.page.locator('.ProseMirror img[data-upload-id]');
    await placeholder.waitFor({ state: 'attached' });
    await placeholder.click();
    await grace.page.keyboard.press('Backspace');
    await expect.poll(() => placeholderCount(ada.page)).toBe(0);

    // Ada's upload finishes: the image she chose is not lost, for her or for Grace.
    release();
    await expect.poll(() => loadedImages(grace.page), { timeout: 20_000 }).toHaveLength(1);
    await expect.poll(() => loadedImages(ada.page)).toHaveLength(1);
    // Stored once, as an image and not a placeholder (no upload id).
    expect(await storedUploadIds(url)).toEqual([undefined]);
  });

  it('a placeholder left by a reload goes, while another person’s upload in flight stays', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Reloaded upload');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await holdUploads(ada.page);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    await expect.poll(() => storedUploadIds(url)).toHaveLength(1);
    const [adaUpload] = await storedUploadIds(url);
    // Grace's upload is in flight the whole time: it is claimed, so it stays.
    await holdUploads(grace.page);
    await pasteFile(grace.page, { base64: PNG_BASE64, type: 'image/png' });
    await expect.poll(() => storedUploadIds(url)).toHaveLength(2);
    const graceUpload = (await storedUploadIds(url)).find((id) => id !== adaUpload);

    // The reloaded tab is a new client: nothing will ever resolve its old placeholder.
    await ada.page.reload();
    await ada.page.locator('.ProseMirror').waitFor();
    await expect.poll(() => storedUploadIds(url), { timeout: 20_000 }).toEqual([graceUpload]);
    await expect.poll(() => placeholderCount(ada.page)).toBe(1);
  });

  it('a PNG dropped between two paragraphs lands there, for both browsers', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Dropped');
    const ada = await suite.person('Ada');
    const grace = await suite.person('Grace');
    await openEditor(ada, url);
    await openEditor(grace, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('First');
    await ada.page.keyboard.press('Enter');
    await ada.page.keyboard.type('Second');
    // The caret stays at the end of "Second": the image must not go there.
    await ada.page.evaluate((base64) => {
      const paragraphs = document.querySelectorAll('.ProseMirror p');
      const above = paragraphs[0]!.getBoundingClientRect();
      const below = paragraphs[1]!.getBoundingClientRect();
      const point = { clientX: above.left + 5, clientY: (above.bottom + below.top) / 2 };
      const data = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], 'diagram.png', { type: 'image/png' }));
      const target = document.elementFromPoint(point.clientX, point.clientY) ?? paragraphs[1]!;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(
          new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true, ...point }),
        );
      }
    }, PNG_BASE64);
    for (const page of [ada.page, grace.page]) {
      await expect.poll(() => loadedImages(page), { timeout: 20_000 }).toHaveLength(1);
      expect(await blocks(page)).toEqual(['First', 'image', 'Second']);
    }
  });

  it('the image description popover works by keyboard at 375 px in dark mode', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Described');
    const ada = await suite.person('Ada', { width: 375, height: 740 });
    await ada.page.emulateMedia({ colorScheme: 'dark' });
    await openEditor(ada, url);
    await pasteFile(ada.page, { base64: PNG_BASE64, type: 'image/png' });
    await expect.poll(() => loadedImages(ada.page), { timeout: 20_000 }).toHaveLength(1);
    await ada.page.locator('.ProseMirror img').click();
    await ada.page.getByRole('button', { name: /Image description/ }).click();
    const popover = ada.page.getByRole('form', { name: 'Image description' });
    const field = popover.getByLabel('Describe the image for people who cannot see it');
    await field.waitFor();
    const box = (await popover.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.screenshot({ path: 'test-artifacts/image-description-phone-dark.png' });

    // Escape closes without saving and hands the keyboard back to the text.
    await ada.page.keyboard.type('Not kept');
    await ada.page.keyboard.press('Escape');
    expect(await popover.count()).toBe(0);
    expect(await ada.page.evaluate(() => document.activeElement?.closest('.ProseMirror') !== null)).toBe(
      true,
    );
    expect(await ada.page.locator('.ProseMirror img').getAttribute('alt')).not.toBe('Not kept');

    // Tab reaches Save; Enter on it saves.
    await ada.page.locator('.ProseMirror img').click();
    await ada.page.getByRole('button', { name: /Image description/ }).click();
    await field.waitFor();
    await ada.page.keyboard.type('Kept');
    await ada.page.keyboard.press('Tab');
    expect(
      await popover.getByRole('button', { name: 'Save' }).evaluate((b) => b === document.activeElement),
    ).toBe(true);
    await ada.page.keyboard.press('Enter');
    await expect.poll(() => ada.page.locator('.ProseMirror img').getAttribute('alt')).toBe('Kept');
  });

  it('an SVG and an oversized image are refused with a visible message, leaving no node', async () => {
    const ada = await suite.person('Ada');
    await openEditor(ada, await createDocumentUrl(suite.server.url, 'Refusals'));
    await pasteFile(ada.page, {
      text: '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
      type: 'image/svg+xml',
    });
    await ada.page.getByRole('alert').filter({ hasText: 'Only PNG, JPEG, GIF and WebP' }).waitFor();
    await expect.poll(() => ada.page.locator('.ProseMirror img').count()).toBe(0);

    await pasteFile(ada.page, { size: MAX_IMAGE_BYTES + 1, type: 'image/png' });
    await ada.page.getByRole('alert').filter({ hasText: 'Images are limited to' }).waitFor();
    await expect.poll(() => ada.page.locator('.ProseMirror img').count()).toBe(0);
  });
});
