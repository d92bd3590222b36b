import fs from 'node:fs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Config } from '../../server/config.ts';
import { startTestServer, type TestServer } from './server.ts';
import { waitFor } from './wait.ts';
import { chromium, type Browser, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); nothing is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A host name that resolves to 127.0.0.1 inside the test browser only. Pages opened through
 * it are not "potentially trustworthy" (unlike localhost and 127.0.0.1): they run as a
 * teammate's browser does on `http://<LAN address>/`, an insecure context.
 */
export const LAN_HOST = 'inkwell-lan.test';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`,
    ],
  });
}

/**
 * A browser context (a separate person: own storage, own IndexedDB) whose sync sockets the
 * test can cut. Chromium's setOffline does not close open WebSockets (it holds their
 * traffic), so going offline closes every routed socket with a retryable code and refuses
 * new ones until `goOnline`.
 */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page so far. */
  pageErrors: string[];
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
}

/** `name: null` is someone who has never given a name in this browser. */
export async function newPerson(
  browser: Browser,
  name: string | null,
  viewport = { width: 1100, height: 760 },
): Promise<Person> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  let offline = false;
  const open = new Set<WebSocketRoute>();
  await context.routeWebSocket(/\/sync\//, (ws) => {
    if (offline) {
      void ws.close({ code: 1013, reason: 'test: offline' });
      return;
    }
    open.add(ws);
    ws.connectToServer();
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => {
    pageErrors.push(error.message);
    console.error(`[${name}] page error:`, error.message);
  });
  if (name !== null) await page.addInitScript((n) => localStorage.setItem('inkwell:user-name', n), name);
  return {
    context,
    page,
    pageErrors,
    async goOffline() {
      offline = true;
      await Promise.all([...open].map((ws) => ws.close({ code: 1013, reason: 'test: offline' })));
      open.clear();
    },
    async goOnline() {
      offline = false;
    },
  };
}

/** The editor's ProseMirror JSON (Tiptap keeps the editor on its DOM node). */
export function editorJson(page: Page): Promise<unknown> {
  return page.evaluate(() => {
    const dom = document.querySelector('.ProseMirror') as
      (HTMLElement & { editor?: { getJSON(): unknown } }) | null;
    return dom?.editor?.getJSON() ?? null;
  });
}

/** Puts text on the clipboard as a plain-text editor would: no HTML flavour. */
export async function copyPlainText(page: Page, text: string): Promise<void> {
  await page.evaluate(async (content) => {
    await navigator.clipboard.write([
      new ClipboardItem({ 'text/plain': new Blob([content], { type: 'text/plain' }) }),
    ]);
  }, text);
}

/** The editor's plain text, without other people's caret labels. */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dom = document.querySelector('.ProseMirror') as
      (HTMLElement & { editor?: { getText(): string } }) | null;
    return dom?.editor?.getText() ?? '';
  });
}

export async function waitForEditorText(
  page: Page,
  check: (text: string) => boolean,
  what: string,
): Promise<string> {
  let text = '';
  await waitFor(
    async () => check((text = await editorText(page))),
    () => `${what}; editor has: ${JSON.stringify(text)}`,
    20_000,
  );
  return text;
}

/**
 * The lifecycle every browser test file shares: one Chromium and one server (real SQLite)
 * per file, fresh browser contexts per test. `restartServer` keeps port and data.
 */
export function browserSuite(overrides: Partial<Config> = {}) {
  let browser: Browser;
  let server: TestServer;
  let people: Person[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startTestServer(overrides);
  });
  afterEach(async () => {
    await Promise.all(people.map((p) => p.context.close()));
    people = [];
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get server(): TestServer {
      return server;
    },
    async person(name: string | null, viewport?: { width: number; height: number }): Promise<Person> {
      const p = await newPerson(browser, name, viewport);
      await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      people.push(p);
      return p;
    },
    /** Stops the server, then starts it again on the same port and data directory. */
    async stopServer(): Promise<() => Promise<void>> {
      const { port } = server;
      const { dataDir } = server.config;
      await server.close();
      return async () => {
        server = await startTestServer({ ...overrides, port, dataDir });
      };
    },
  };
}

/** Creates a document through the REST API and returns its editor URL. */
export async function createDocumentUrl(serverUrl: string, title: string): Promise<string> {
  const response = await fetch(`${serverUrl}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  const body = (await response.json()) as { url: string };
  return `${serverUrl}${body.url}`;
}

/** Opens a document and waits until the editor shows the server's content. */
export async function openEditor(p: Person, url: string): Promise<void> {
  await p.page.goto(url);
  await p.page.locator('.ProseMirror').waitFor();
  await p.page.getByRole('status').filter({ hasText: /Saved/ }).waitFor();
}
