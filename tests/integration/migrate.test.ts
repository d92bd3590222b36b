import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import { IMAGE_REFERENCES_BACKFILL } from '../../server/backfills/imageReferences.ts';
import { silentLogger } from '../../server/logger.ts';
import type { StoredDocument } from '../../server/storage/DocLog.ts';
import { openSqliteStorage } from '../../server/storage/sqlite/openSqliteStorage.ts';
import { freshDatabaseUrl, openTestPostgres, runSql } from '../helpers/postgres.ts';
import { tempDataDir } from '../helpers/server.ts';

const run = promisify(execFile);

const PHOTO = { bytes: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3), type: 'image/png' };
const PHOTO_HASH = 'a'.repeat(64);
const DIAGRAM = { bytes: Uint8Array.of(0x47, 0x49, 0x46, 9), type: 'image/gif' };
const DIAGRAM_HASH = 'b'.repeat(64);
const SKETCH = { bytes: Uint8Array.of(0x47, 0x49, 0x46, 7), type: 'image/gif' };
const SKETCH_HASH = 'c'.repeat(64);

/** `npm run migrate -- --from … --to …`, as an operator runs it. */
async function migrate(file: string, url: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join('scripts', 'migrate.ts'), '--from', `sqlite:${file}`, '--to', url],
    { env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  return stdout;
}

/** The update that types `text` at the end of a document's Y.Text. */
function typing(doc: Y.Doc, text: string): Uint8Array {
  let update: Uint8Array | null = null;
  doc.once('update', (u: Uint8Array) => (update = u));
  doc.getText('text').insert(doc.getText('text').length, text);
  return update!;
}

/** The update that puts an image showing `src` at the start of a document's content. */
function showingImage(doc: Y.Doc, src: string): Uint8Array {
  let update: Uint8Array | null = null;
  doc.once('update', (u: Uint8Array) => (update = u));
  const image = new Y.XmlElement('image');
  image.setAttribute('src', src);
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [image]);
  return update!;
}

function textOf(stored: StoredDocument | null): string {
  const doc = new Y.Doc();
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
  return doc.getText('text').toString();
}

describe('npm run migrate (SQLite to PostgreSQL)', () => {
  it('copies every document exactly, verifies it, and is safe to run again', async () => {
    const file = path.join(tempDataDir(), 'inkwell.db');
    const sqlite = openSqliteStorage({ file, logger: silentLogger() });
    const notes = new Y.Doc();
    await sqlite.catalogue.create('notes', { title: 'Notes', content: typing(notes, 'Hello') });
    const seq = await sqlite.log.append('notes', typing(notes, ', world'));
    await sqlite.log.compact('notes', Y.encodeStateAsUpdate(notes), Y.encodeStateVector(notes), seq);
    await sqlite.log.append('notes', typing(notes, '!'));
    const plan = new Y.Doc();
    await sqlite.log.append('plan', typing(plan, 'Step one'));
    // One image in both documents, one in a document of its own.
    await sqlite.blobs.put('notes', PHOTO_HASH, PHOTO);
    await sqlite.blobs.put('plan', PHOTO_HASH, PHOTO);
    await sqlite.blobs.put('notes', DIAGRAM_HASH, DIAGRAM);
    // Uploaded to one document and shown in another that, written before references came
    // from content, does not reference it.
    await sqlite.blobs.put('notes', SKETCH_HASH, SKETCH);
    await sqlite.log.append('plan', showingImage(plan, `/blobs/${SKETCH_HASH}`));
    // The version history comes too, with its times, names and authors.
    const draft = new Y.Doc();
    typing(draft, 'A draft');
    await sqlite.versions.add('notes', {
      kind: 'auto',
      name: null,
      authors: ['Ada'],
      update: Y.encodeStateAsUpdate(notes),
    });
    await sqlite.versions.add('notes', {
      kind: 'named',
      name: 'Draft, "v2"',
      authors: ['Ada "the first", Lovelace', 'Grace \\ Hopper {x}', 'Zoë'],
      update: Y.encodeStateAsUpdate(draft),
    });
    const sourceVersions = await sqlite.versions.list('notes');
    const sourceStates = await Promise.all(
      sourceVersions.map(async ({ id }) => (await sqlite.versions.get('notes', id))!.update),
    );
    // One document in the trash (it stays there), one purged (its name stays refused).
    await sqlite.log.append('binned', typing(new Y.Doc(), 'in the trash'));
    await sqlite.catalogue.trash('binned');
    await sqlite.log.append('gone', typing(new Y.Doc(), 'purged'));
    await sqlite.catalogue.trash('gone');
    await sqlite.catalogue.delete('gone');
    const binned = await sqlite.catalogue.info('binned');
    const purgedAt = await sqlite.catalogue.purgedAt('gone');
    const sourceNotes = await sqlite.log.load('notes');
    const sourceInfo = await sqlite.catalogue.info('notes');
    await sqlite.close();

    const url = await freshDatabaseUrl();
    expect(await migrate(file, url)).toMatch(
      /3 documents .*: 3 copied, 0 already there, 0 merged, 0 failed; 4 images, 2 versions, 1 purged names/,
    );
    const target = await openTestPostgres(undefined, url);
    try {
      expect(await target.log.load('notes')).toEqual(sourceNotes);
      expect(await target.catalogue.info('notes')).toEqual(sourceInfo);
      expect(textOf(await target.log.load('plan'))).toBe('Step one');
      expect(await target.catalogue.info('binned')).toEqual(binned);
      expect(await target.catalogue.purgedAt('gone')).toBe(purgedAt);
      expect(
        await target.catalogue.create('gone', { title: null, content: typing(new Y.Doc(), 'x') }),
      ).toBeNull();
      expect(await target.blobs.get(PHOTO_HASH)).toEqual(PHOTO);
      expect(await target.blobs.get(DIAGRAM_HASH)).toEqual(DIAGRAM);
      // The references came too: purging one document keeps the image the other still shows.
      expect(await target.blobs.releaseDocument('notes')).toBe(1);
      expect(await target.blobs.get(PHOTO_HASH)).toEqual(PHOTO);
      expect(await target.blobs.get(DIAGRAM_HASH)).toBeNull();
      // The image the plan only shows is referenced by the plan now, and the server's start
      // has no image backfill left to do.
      expect(await target.blobs.get(SKETCH_HASH)).toEqual(SKETCH);
      expect(await target.backfills.pending()).not.toContain(IMAGE_REFERENCES_BACKFILL);
      const versions = await target.versions.list('notes');
      expect(versions.map(({ id: _id, ...info }) => info)).toEqual(
        sourceVersions.map(({ id: _id, ...info }) => info),
      );
      for (const [i, { id }] of versions.entries()) {
        expect((await target.versions.get('notes', id))?.update).toEqual(sourceStates[i]);
      }
      // Numbering continues where the file's stopped.
      expect(await target.log.append('notes', typing(notes, '?'))).toBe(sourceNotes!.lastSeq + 1);
    } finally {
      await target.close();
    }

    expect(await migrate(file, url)).toMatch(
      /3 documents .*: 0 copied, 3 already there, 0 merged, 0 failed; 4 images, 0 versions, 0 purged names/,
    );
    // A database filled by an earlier migrate, which copied no versions: the next run brings them.
    await runSql(url, 'DELETE FROM versions');
    expect(await migrate(file, url)).toMatch(
      /: 0 copied, 3 already there, 0 merged, 0 failed; 4 images, 2 versions,/,
    );
    // One with the same time and state but another name is not the file's: it is added beside.
    await runSql(url, `UPDATE versions SET name = 'Renamed' WHERE kind = 'named'`);
    expect(await migrate(file, url)).toMatch(/; 4 images, 1 versions,/);

    // Typed into the file after the first copy: the next run merges it, keeping the database's edits.
    const again = openSqliteStorage({ file, logger: silentLogger() });
    await again.log.append('plan', typing(plan, ', step two'));
    await again.blobs.put('plan', DIAGRAM_HASH, DIAGRAM);
    await again.close();
    expect(await migrate(file, url)).toMatch(/: 0 copied, 2 already there, 1 merged, 0 failed/);
    const merged = await openTestPostgres(undefined, url);
    try {
      expect(textOf(await merged.log.load('plan'))).toBe('Step one, step two');
      expect(textOf(await merged.log.load('notes'))).toBe('Hello, world!?');
      // An image added to the file since is copied by the next run.
      expect(await merged.blobs.get(DIAGRAM_HASH)).toEqual(DIAGRAM);
    } finally {
      await merged.close();
    }
  });
});
