/**
 * Deleting, restoring and purging documents from the home page and the trash (issue 14),
 * in real Chromium against a real server and its SQLite file.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe.ts';
import { browserSuite, createDocumentUrl, openEditor, waitForEditorText } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';

const ARTIFACTS = 'test-artifacts';
const suite = browserSuite();

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

/** Rows the SQLite file holds for a document: listing, log entries and snapshot. */
function storedRows(name: string): number {
  const db = new Database(path.join(suite.server.config.dataDir, 'inkwell.db'), { readonly: true });
  try {
    return ['documents WHERE name', 'updates WHERE doc', 'snapshots WHERE name']
      .map((where) => (db.prepare(`SELECT COUNT(*) AS n FROM ${where} = ?`).get(name) as { n: number }).n)
      .reduce((a, b) => a + b, 0);
  } finally {
    db.close();
  }
}

describe('the trash in Chromium', () => {
  it('delete → trash → restore brings the content back; purge frees the store', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Holiday plan');
    const name = decodeURIComponent(new URL(url).pathname.slice('/d/'.length));
    const ada = await suite.person('Ada');
    await openEditor(ada, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Pack the tent.');
    await ada.page.getByRole('status').filter({ hasText: /Saved/ }).waitFor();

    // Someone deletes it from the home page while Ada has it open: her session ends for good.
    const grace = await suite.person('Grace');
    await grace.page.goto(suite.server.url);
    // The list shows, live, who is in each document.
    const row = grace.page.locator('.doc-list li', { hasText: 'Holiday plan' });
    await row.locator('.avatar[title="Ada"]').waitFor();
    await grace.page.screenshot({ path: `${ARTIFACTS}/home-presence.png` });
    await grace.page.getByRole('button', { name: 'Delete Holiday plan' }).click();
    await grace.page.getByRole('status').filter({ hasText: 'Moved “Holiday plan” to the trash' }).waitFor();
    await expect
      .poll(() => grace.page.locator('.doc-list-title').allInnerTexts())
      .not.toContain('Holiday plan');
    await ada.page.getByRole('alert').filter({ hasText: 'This document was deleted' }).waitFor();
    expect(await ada.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');

    // The link now says so, with Restore, instead of an empty editor.
    await ada.page.reload();
    await ada.page.getByRole('heading', { name: 'This document was deleted' }).waitFor();
    expect(await ada.page.locator('.ProseMirror').count()).toBe(0);

    // The trash lists it; Restore brings it back with its content.
    await grace.page.getByRole('link', { name: 'Trash', exact: true }).click();
    await grace.page.getByRole('heading', { name: 'Trash' }).waitFor();
    await grace.page.getByText('Holiday plan').waitFor();
    expect(await seriousViolations(grace.page)).toEqual([]);
    await grace.page.screenshot({ path: `${ARTIFACTS}/trash.png` });
    await grace.page.getByRole('button', { name: 'Restore Holiday plan' }).click();
    await grace.page.getByText('The trash is empty.').waitFor();

    await ada.page.reload();
    await waitForEditorText(ada.page, (text) => text.includes('Pack the tent.'), 'the restored content');

    // Delete again (from the link's page this time it is the list), then delete forever.
    await grace.page.goto(suite.server.url);
    await grace.page.getByRole('button', { name: 'Delete Holiday plan' }).click();
    await grace.page.getByRole('status').filter({ hasText: 'to the trash' }).waitFor();
    await grace.page.goto(`${suite.server.url}/trash`);
    grace.page.once('dialog', (dialog) => void dialog.accept());
    await grace.page.getByRole('button', { name: 'Delete forever: Holiday plan' }).click();
    await grace.page.getByText('The trash is empty.').waitFor();
    await waitFor(() => storedRows(name) === 0, 'the purged document’s rows to be gone');

    // The link now says it is gone for good: no Restore, no "Create it", a way home.
    await ada.page.reload();
    await ada.page.getByRole('heading', { name: 'This document was permanently deleted' }).waitFor();
    expect(await ada.page.getByRole('button', { name: 'Restore' }).count()).toBe(0);
    expect(await ada.page.getByText('No document at this link').count()).toBe(0);
    expect(await ada.page.locator('.ProseMirror').count()).toBe(0);
    expect(await seriousViolations(ada.page)).toEqual([]);
    await ada.page.getByRole('button', { name: 'Go to your documents' }).click();
    await ada.page.waitForURL((page) => page.pathname === '/');
    // Ada's browser still holds her copy (IndexedDB): it did not bring the document back.
    expect(storedRows(name)).toBe(0);
  });

  it('Undo after Delete on the home page restores the document', async () => {
    await createDocumentUrl(suite.server.url, 'Keep me');
    const ada = await suite.person('Ada');
    await ada.page.goto(suite.server.url);
    await ada.page.getByRole('button', { name: 'Delete Keep me' }).click();
    await ada.page.getByRole('button', { name: 'Undo' }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Restored “Keep me”' }).waitFor();
    await expect.poll(() => ada.page.locator('.doc-list-title').allInnerTexts()).toContain('Keep me');
  });

  it('Duplicate opens a copy with the same content', async () => {
    const url = await createDocumentUrl(suite.server.url, 'Template');
    const ada = await suite.person('Ada');
    await openEditor(ada, url);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Agenda');
    await ada.page.getByRole('status').filter({ hasText: /Saved/ }).waitFor();
    await ada.page.goto(suite.server.url);
    await ada.page.getByRole('button', { name: 'Duplicate Template' }).click();
    await ada.page.waitForURL((page) => page.pathname !== '/' && page.pathname !== new URL(url).pathname);
    await waitForEditorText(ada.page, (text) => text.includes('Agenda'), 'the copied content');
    await expect.poll(() => ada.page.getByLabel('Document title').inputValue()).toContain('Copy of Template');
  });
});
