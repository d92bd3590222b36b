/** A reader (view-only link) sees the history but cannot save or restore versions (issue 13). */
import { describe, expect, it } from 'vitest';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { browserSuite, waitForEditorText } from '../helpers/browser.ts';

const SECRET = 'e2e-secret-that-is-long-enough-0123456789';
const suite = browserSuite({ authSecret: SECRET });

describe('history for a reader', () => {
  it('lists and previews versions, with no Save version… and no Restore', async () => {
    const writeToken = await signToken(SECRET, { sub: 'ada', doc: 'minutes', role: 'write' }, 3600);
    const ada = await suite.person('Ada');
    await ada.page.goto(`${suite.server.url}/d/minutes?token=${writeToken}`);
    await ada.page.getByRole('button', { name: 'Create it' }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Minutes of the meeting.');
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const saved = await fetch(`${suite.server.url}/api/docs/minutes/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writeToken}` },
      body: JSON.stringify({ name: 'As agreed' }),
    });
    expect(saved.status).toBe(201);

    const readToken = await signToken(SECRET, { sub: 'grace', doc: 'minutes', role: 'read' }, 3600);
    const grace = await suite.person('Grace');
    await grace.page.goto(`${suite.server.url}/d/minutes?token=${readToken}`);
    await waitForEditorText(
      grace.page,
      (t) => t.includes('Minutes of the meeting.'),
      'the minutes at the reader',
    );
    await grace.page.getByRole('button', { name: 'History' }).click();
    const dialog = grace.page.getByRole('dialog', { name: 'History' });
    await dialog.getByRole('button', { name: /^As agreed/ }).click();
    await dialog.locator('.version-preview ins', { hasText: 'Minutes of the meeting.' }).waitFor();
    await dialog.getByRole('button', { name: 'Download this version' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Restore this version' }).count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Save version…' }).count()).toBe(0);
  });
});
