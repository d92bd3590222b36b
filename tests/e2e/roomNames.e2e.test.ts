/**
 * Room names other clients use (issue 15), end to end: a stock y-websocket client writes in
 * Lexical's `playground/0/main` and y-websocket's `test-@y/websocket`, and a writer opens the
 * same documents in Chromium by link, encoded or typed with its slashes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentPath } from '../../shared/docName.ts';
import { connectVersion } from '../helpers/clientVersions.ts';
import { browserSuite, editorText, openEditor, waitForEditorText } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';

const suite = browserSuite();

describe('documents named by other clients, in the editor', () => {
  it.each([
    ['playground/0/main', (name: string) => documentPath(name)],
    ['test-@y/websocket', (name: string) => `/d/${name}`],
  ])('%s opens from its link and syncs both ways with a stock client', async (room, link) => {
    const app = connectVersion('1.5.4', suite.server.syncUrl, room);
    await app.firstSync;
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Written by another app.')]);
    app.doc.getXmlFragment('default').insert(0, [paragraph]);
    await waitFor(() => suite.server.registry.hasRoom(room), 'the room to open');

    const ada = await suite.person('Ada');
    await openEditor(ada, `${suite.server.url}${link(room)}`);
    await waitForEditorText(ada.page, (t) => t.includes('Written by another app.'), 'the app’s text');
    await ada.page.locator('.ProseMirror').click();
    await ada.page.keyboard.press('End');
    await ada.page.keyboard.type(' And by Ada.');
    await waitFor(
      () => app.doc.getXmlFragment('default').toString().includes('And by Ada.'),
      'Ada’s words at the stock client',
    );
    expect(await editorText(ada.page)).toContain('Written by another app. And by Ada.');
    app.destroy();
  });
});
