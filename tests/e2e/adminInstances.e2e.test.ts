import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPerson } from '../helpers/browser.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl } from '../helpers/postgres.ts';
import { freshRedisPrefix, testRedisUrl } from '../helpers/redis.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ARTIFACTS = 'test-artifacts';
let browser: Browser;
let servers: TestServer[] = [];
let clients: TestClient[] = [];

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const url = await freshDatabaseUrl();
  const redis = { url: testRedisUrl(), prefix: freshRedisPrefix() };
  servers = await Promise.all(
    ['alpha', 'beta'].map((instanceId) =>
      startTestServer({ instanceId, database: { url, poolSize: 4, statementTimeoutMs: 10_000 }, redis }),
    ),
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('the /admin dashboard with two instances', () => {
  it("shows a row for each live instance with that instance's own connections", async () => {
    const [alpha, beta] = servers as [TestServer, TestServer];
    clients = [connectClient(beta.syncUrl, 'roadmap'), connectClient(beta.syncUrl, 'roadmap')];
    await Promise.all(clients.map((c) => c.firstSync));

    const ops = await newPerson(browser, null, { width: 1280, height: 1100 });
    await ops.page.goto(`${alpha.url}/admin`);
    const table = ops.page.getByTestId('admin-instances');
    const row = (id: string) => table.locator(`tr[data-instance="${id}"]`);
    await row('alpha').getByRole('cell', { name: 'ready', exact: true }).waitFor();
    // Beta's row carries beta's figures: its two connections on one document.
    await row('beta').locator('td').nth(1).filter({ hasText: /^2$/ }).waitFor();
    await expect(row('beta').locator('td').nth(2).textContent()).resolves.toBe('1');
    await expect(table.locator('tbody tr').count()).resolves.toBe(2);
    await ops.page.screenshot({ path: `${ARTIFACTS}/admin-instances.png`, fullPage: true });
    expect(ops.pageErrors).toEqual([]);
  });
});
