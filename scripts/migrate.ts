/**
 * `npm run migrate -- --from sqlite:./data/inkwell.db --to "$DATABASE_URL"`
 * Copies every document (listing, trash flag, snapshot, log with its sequence numbers, saved
 * versions, images) and the names of purged documents from an Inkwell SQLite file to a PostgreSQL database, verifies each one, and prints a summary.
 *
 * Safe to run again: a document the database already has is left alone when it holds
 * everything the file has, and otherwise receives what it lacks as one more log entry (Yjs
 * merges; nothing in the database is overwritten); images and versions it lacks are added. Stop the server that uses the file first;
 * edits made to the file while this runs may be missed (run it again to pick them up).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { backfillImageReferences, IMAGE_REFERENCES_BACKFILL } from '../server/backfills/imageReferences.ts';
import { createLogger } from '../server/logger.ts';
import type { DocumentExport } from '../server/storage/DocumentExport.ts';
import { StorageUnavailableError } from '../server/storage/errors.ts';
import {
  importDocument,
  importPurgedNames,
  importVersions,
  versionFingerprint,
  versionFingerprints,
} from '../server/storage/postgres/importDocument.ts';
import {
  createPostgresPool,
  describeDatabase,
  openPostgresStorage,
  reasonOf,
} from '../server/storage/postgres/openPostgresStorage.ts';
import type { StoredDocument } from '../server/storage/DocLog.ts';
import {
  exportSqliteDocuments,
  exportSqlitePurgedNames,
} from '../server/storage/sqlite/exportSqliteDocuments.ts';

const USAGE = `usage: npm run migrate -- --from sqlite:PATH --to postgres://USER@HOST:PORT/DATABASE
  --from   the SQLite file of an Inkwell data directory (e.g. sqlite:./data/inkwell.db)
  --to     the PostgreSQL database to copy into (its schema is created if missing)`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n${code === 2 ? `\n${USAGE}\n` : ''}`);
  process.exit(code);
}

const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.from?.startsWith('sqlite:')) fail('--from must be sqlite:PATH');
if (!values.to || !/^postgres(ql)?:\/\//.test(values.to)) fail('--to must be a postgres:// URL');
const file = values.from.slice('sqlite:'.length);
if (!fs.existsSync(file)) fail(`no SQLite file at ${file}`, 1);

/** A Y.Doc holding a stored document: snapshot, then its entries. */
function docOf(stored: Pick<StoredDocument, 'snapshot' | 'updates'>): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot !== null) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** True when `target` already holds every insertion and deletion `source` has. */
function holds(target: Y.Doc, source: Y.Doc): boolean {
  const merged = new Y.Doc();
  Y.applyUpdate(merged, Y.encodeStateAsUpdate(target));
  Y.applyUpdate(merged, Y.encodeStateAsUpdate(source));
  return Y.equalSnapshots(Y.snapshot(merged), Y.snapshot(target));
}

const sameStateVector = (a: Y.Doc, b: Y.Doc) =>
  Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));

const exportedDoc = (doc: DocumentExport) =>
  docOf({ snapshot: doc.snapshot?.data ?? null, updates: doc.entries.map((entry) => entry.data) });

const logger = createLogger('warn');
const target = await openPostgresStorage({
  url: values.to,
  poolSize: 2,
  statementTimeoutMs: 60_000,
  logger,
}).catch((error: unknown) => {
  if (error instanceof StorageUnavailableError) fail(`migrate: ${error.message}`, 1);
  throw error;
});
const pool = createPostgresPool({ url: values.to, poolSize: 1, statementTimeoutMs: 60_000, logger });

/**
 * Stores the document's images in the database (a blob it has already is only referenced) and
 * checks that each one reads back byte for byte; resolves with their total size.
 */
async function copyImages(doc: DocumentExport): Promise<number> {
  let imageBytes = 0;
  for (const { hash, blob } of doc.images) {
    await target.blobs.put(doc.name, hash, blob);
    const copy = await target.blobs.get(hash);
    if (copy === null || !Buffer.from(copy.bytes).equals(Buffer.from(blob.bytes))) {
      throw new Error(`the copy of image ${hash} differs`);
    }
    imageBytes += blob.bytes.byteLength;
  }
  return imageBytes;
}

/**
 * Copies the document's versions the database lacks and checks that it then holds every one
 * (time, kind, name, authors and state, the state by its sha-256); resolves with how many
 * were copied and their bytes.
 */
async function copyVersions(doc: DocumentExport): Promise<{ added: number; bytes: number }> {
  const added = await importVersions(pool, doc);
  const held = await versionFingerprints(pool, doc.name);
  let bytes = 0;
  for (const version of doc.versions) {
    const sha256 = createHash('sha256').update(version.readState()).digest('hex');
    if (!held.has(versionFingerprint(version, sha256))) {
      throw new Error(`the copy of the version of ${new Date(version.createdAt).toISOString()} differs`);
    }
    bytes += version.bytes;
  }
  return { added, bytes };
}

const counts = { copied: 0, present: 0, merged: 0, failed: 0 };
let bytes = 0;
let images = 0;
let versions = 0;
for (const doc of exportSqliteDocuments(file)) {
  try {
    const source = exportedDoc(doc);
    let outcome: 'copied' | 'present' | 'merged';
    if (await importDocument(pool, doc)) {
      outcome = 'copied';
    } else {
      const existing = docOf((await target.log.load(doc.name))!);
      if (holds(existing, source)) {
        outcome = 'present';
      } else {
        await target.log.append(doc.name, Y.encodeStateAsUpdate(source, Y.encodeStateVector(existing)));
        outcome = 'merged';
      }
    }
    const copy = await target.log.load(doc.name);
    const copied = copy === null ? null : docOf(copy);
    const verified =
      copied !== null && holds(copied, source) && (outcome !== 'copied' || sameStateVector(copied, source));
    if (!verified) throw new Error('the copy does not hold the document (state vectors differ)');
    bytes += await copyImages(doc);
    const copiedVersions = await copyVersions(doc);
    versions += copiedVersions.added;
    bytes += copiedVersions.bytes;
    counts[outcome]++;
    images += doc.images.length;
    bytes += (doc.snapshot?.data.byteLength ?? 0) + doc.entries.reduce((n, e) => n + e.data.byteLength, 0);
    process.stdout.write(`${outcome.padEnd(8)} ${doc.name}\n`);
  } catch (error) {
    counts.failed++;
    process.stderr.write(`failed   ${doc.name}: ${reasonOf(error)}\n`);
  }
}
// Images a document shows without referencing them (pasted from another document before
// references came from content) are in the database by now, copied with the document they
// were uploaded to: record that each document showing one references it, as the server's
// backfill does, so purging the uploader there does not take them from the others. That is
// the backfill, done: the server need not read every document again at its first start.
const referencesFailed = await backfillImageReferences(target)
  .then(() => target.backfills.finish(IMAGE_REFERENCES_BACKFILL))
  .then(
    () => false,
    (error: unknown) => {
      process.stderr.write(`failed   recording the images each document shows: ${reasonOf(error)}\n`);
      return true;
    },
  );
// After the documents: exportSqliteDocuments has migrated the file's schema by now.
let purgedFailed = false;
const purged = await importPurgedNames(pool, exportSqlitePurgedNames(file)).catch((error: unknown) => {
  purgedFailed = true;
  process.stderr.write(`failed   the purged names: ${reasonOf(error)}\n`);
  return 0;
});
await pool.end();
await target.close();

const total = counts.copied + counts.present + counts.merged + counts.failed;
process.stdout.write(
  `\n${total} documents from ${file} to ${describeDatabase(values.to)}: ` +
    `${counts.copied} copied, ${counts.present} already there, ${counts.merged} merged, ` +
    `${counts.failed} failed; ${images} images, ${versions} versions, ${purged} purged names (${(bytes / 1024).toFixed(1)} KiB verified)\n`,
);
process.exit(counts.failed > 0 || purgedFailed || referencesFailed ? 1 : 0);
