/**
 * The link to a document in the trash (issue 14), in real Chromium against a real server
 * with access links (AUTH_SECRET set): a writer can restore it from there, a reader cannot.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { seriousViolations } from '../helpers/axe.ts';
import { browserSuite, waitForEditorText } from '../helpers/browser.ts';

const ARTIFACTS = 'test-artifacts';
const SECRET = 'e2e-secret-that-is-long-enough-0123456789';
const DOC = 'minutes';
const suite = browserSuite({ authSecret: SECRET });

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

const tokenFor = (role: 'read' | 'write') => signToken(SECRET, { sub: role, doc: DOC, role }, 3600);

async function api(path: string, method: string, token: string, body?: unknown): Promise<void> {
  const response = await fetch(`${suite.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

describe('the link to a deleted document', () => {
  it('a writer restores it there, text and all; a reader sees it is deleted but no Restore', async () => {
    const writeToken = await tokenFor('write');
    const readToken = await tokenFor('read');
    await api('/api/docs', 'POST', writeToken, { title: 'Minutes', name: DOC });
    const ada = await suite.person('Ada');
    await ada.page.goto(`${suite.server.url}/d/${DOC}?token=${writeToken}`);
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Decided: ship on Friday.');
    await ada.page.getByRole('status').filter({ hasText: /Saved/ }).waitFor();

    await api(`/api/docs/${DOC}`, 'DELETE', writeToken);
    await ada.page.getByRole('alert').filter({ hasText: 'This document was deleted' }).waitFor();

    // A reader who follows the link is told, and offered nothing it could not do.
    const grace = await suite.person('Grace');
    await grace.page.goto(`${suite.server.url}/d/${DOC}?token=${readToken}`);
    await grace.page.getByRole('heading', { name: 'This document was deleted' }).waitFor();
    await grace.page.getByRole('button', { name: 'Go to your documents' }).waitFor();
    expect(await grace.page.getByRole('button', { name: 'Restore' }).count()).toBe(0);
    expect(await grace.page.locator('.ProseMirror').count()).toBe(0);
    expect(await seriousViolations(grace.page)).toEqual([]);

    // The writer's reload says the same, with Restore; it brings the text back at this link.
    await ada.page.reload();
    await ada.page.getByRole('heading', { name: 'This document was deleted' }).waitFor();
    const address = ada.page.url();
    await ada.page.screenshot({ path: `${ARTIFACTS}/deleted-document-link.png` });
    await ada.page.getByRole('button', { name: 'Restore' }).click();
    await waitForEditorText(ada.page, (text) => text === 'Decided: ship on Friday.', 'the restored text');
    expect(ada.page.url()).toBe(address);
    expect(await ada.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe('true');

    // The reader's link works again too, read-only.
    await grace.page.reload();
    await waitForEditorText(
      grace.page,
      (text) => text === 'Decided: ship on Friday.',
      'the text at the reader',
    );
    expect(await grace.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');
  });
});
