import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Role, TokenRole } from '../../shared/access.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { browserSuite } from '../helpers/browser.ts';
import { connectClient } from '../helpers/clients.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'e2e-admin-secret-that-is-long-enough-42';
const ARTIFACTS = 'test-artifacts';

const suite = browserSuite({ authSecret: SECRET });

beforeAll(() => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
});

describe('the /admin operations dashboard', () => {
  it('moves while a client types, and keeps charting across a server restart', async () => {
    const admin = await signToken(SECRET, { sub: 'ops', doc: '*', role: TokenRole.Admin }, 3600);
    const writer = await signToken(SECRET, { sub: 'ada', doc: 'ops-demo', role: Role.Write }, 3600);
    const typist = connectClient(suite.server.syncUrl, 'ops-demo', { params: { token: writer } });
    try {
      await typist.firstSync;
      const ops = await suite.person('Ops', { width: 1280, height: 1100 });
      await ops.page.goto(`${suite.server.url}/admin?token=${admin}`);
      await ops.page.getByTestId('admin-state').filter({ hasText: 'Live' }).waitFor();
      // The token leaves the address bar once it is stored.
      expect(new URL(ops.page.url()).search).toBe('');
      await ops.page.getByTestId('admin-connections').filter({ hasText: /^1$/ }).waitFor();
      const text = typist.doc.getText('text');
      let typed = 0;
      await waitFor(async () => {
        text.insert(text.length, `word${typed++} `);
        return Number(await ops.page.getByTestId('admin-updates').textContent()) > 0;
      }, 'updates per second above zero on the dashboard');
      await ops.page.getByRole('link', { name: 'ops-demo' }).waitFor();
      await ops.page.screenshot({ path: `${ARTIFACTS}/admin-dashboard.png`, fullPage: true });

      const restart = await suite.stopServer();
      await ops.page.getByTestId('admin-state').filter({ hasText: 'Reconnecting' }).waitFor();
      await restart();
      await ops.page.getByTestId('admin-state').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
      // The typist's provider reconnects too; the new server's samples count it.
      await ops.page.getByTestId('admin-connections').filter({ hasText: /^1$/ }).waitFor({ timeout: 15_000 });
    } finally {
      typist.destroy();
    }
  });

  it('a token without the admin role gets a clear refusal', async () => {
    const writer = await signToken(SECRET, { sub: 'ada', doc: '*', role: Role.Write }, 3600);
    const ada = await suite.person('Ada');
    await ada.page.goto(`${suite.server.url}/admin?token=${writer}`);
    await ada.page.getByRole('alert').filter({ hasText: 'This dashboard needs an admin token' }).waitFor();
    expect(await ada.page.getByRole('alert').textContent()).toContain('403');
  });
});
