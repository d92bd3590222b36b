import { describe, expect, it } from 'vitest';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { browserSuite, editorText, waitForEditorText } from '../helpers/browser.ts';

const SECRET = 'e2e-secret-that-is-long-enough-0123456789';

const suite = browserSuite({ authSecret: SECRET });
const person = (name: string) => suite.person(name);

describe('sharing with access links (AUTH_SECRET set)', () => {
  it('a writer shares a view-only link; the viewer reads along but cannot type', async () => {
    const writeToken = await signToken(SECRET, { sub: 'ada', doc: 'board-memo', role: 'write' }, 3600);
    const ada = await person('Ada');
    await ada.page.goto(`${suite.server.url}/d/board-memo?token=${writeToken}`);
    // The token may name a document nobody has written yet: its writer creates it.
    await ada.page.getByRole('button', { name: 'Create it' }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    // The token leaves the address bar once it is stored.
    expect(new URL(ada.page.url()).search).toBe('');
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Confidential: numbers are up.');

    await ada.page.getByRole('button', { name: 'Copy view-only link' }).click();
    await ada.page.getByRole('button', { name: 'Link copied' }).waitFor();
    const link = await ada.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/\/d\/board-memo\?token=/);

    const grace = await person('Grace');
    await grace.page.goto(link);
    await grace.page.getByText('View only').waitFor();
    await waitForEditorText(grace.page, (t) => t.includes('numbers are up'), 'the memo at the viewer');
    expect(await grace.page.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');
    await grace.page.locator('.ProseMirror').click();
    await grace.page.keyboard.type('I was here');
    expect(await editorText(grace.page)).not.toContain('I was here');
    expect(await grace.page.getByRole('button', { name: /Copy .*link/ }).count()).toBe(0);

    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.press('End');
    await ada.page.keyboard.type(' More soon.');
    await waitForEditorText(grace.page, (t) => t.includes('More soon.'), 'live updates at the viewer');
  });

  it('a link that expires while changes wait offline says they are kept here; a new link sends them', async () => {
    const doc = 'train-notes';
    const expiresInSeconds = 6;
    const expiresAt = Date.now() + expiresInSeconds * 1000;
    const short = await signToken(SECRET, { sub: 'ada', doc, role: 'write' }, expiresInSeconds);
    const ada = await person('Ada');
    await ada.page.goto(`${suite.server.url}/d/${doc}?token=${short}`);
    await ada.page.getByRole('button', { name: 'Create it' }).click();
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await ada.goOffline();
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.type('Written on the train.');
    await ada.page.getByRole('status').filter({ hasText: 'kept on this device' }).waitFor();

    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 1000));
    await ada.goOnline();
    const notice = ada.page.getByRole('alert').filter({ hasText: 'This link has expired' });
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toContain('Your latest changes are not on the server yet.');
    await ada.page.screenshot({ path: 'test-artifacts/expired-link-changes-kept.png' });
    await ada.page.keyboard.press('Control+s');
    await ada.page.getByText('Your latest changes are kept in this browser.').waitFor();

    // A new link, in the same browser: what was kept reaches the server.
    const fresh = await signToken(SECRET, { sub: 'ada', doc, role: 'write' }, 3600);
    await ada.page.goto(`${suite.server.url}/d/${doc}?token=${fresh}`);
    await ada.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const grace = await person('Grace');
    await grace.page.goto(`${suite.server.url}/d/${doc}?token=${fresh}`);
    await waitForEditorText(
      grace.page,
      (t) => t.includes('Written on the train.'),
      'the kept change at Grace',
    );
  });

  it('without a link, the page explains instead of spinning', async () => {
    const stranger = await person('Mallory');
    await stranger.page.goto(`${suite.server.url}/d/board-memo`);
    await stranger.page
      .getByRole('alert')
      .filter({ hasText: 'This link has expired or is not valid.' })
      .waitFor();
    await stranger.page.goto(suite.server.url);
    await stranger.page.getByText('This server only opens documents through access links.').waitFor();
    expect(await stranger.page.getByRole('button', { name: 'New document' }).count()).toBe(0);
  });
});
