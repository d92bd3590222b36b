/**
 * The REST API's contract: every request and response body, defined once. The server
 * validates requests with these schemas; the web client uses the inferred types (type-only
 * imports, so zod stays out of the browser bundle).
 */
import { z } from 'zod';
import { Role } from './access.ts';
import { TITLE_MAX_LENGTH } from './documentModel.ts';

const DAY = 24 * 60 * 60;

/** `GET /api/config`: whether the server requires tokens. */
export const ServerConfig = z.object({ auth: z.boolean() });
export type ServerConfig = z.infer<typeof ServerConfig>;

/** A document as the API shows it (times are ISO 8601). */
export const DocumentSummary = z.object({
  name: z.string(),
  title: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  bytes: z.number(),
});
export type DocumentSummary = z.infer<typeof DocumentSummary>;

/** `GET /api/docs`: the documents the caller may see, most recently changed first. */
export const DocumentList = z.object({ documents: z.array(DocumentSummary) });
export type DocumentList = z.infer<typeof DocumentList>;

/**
 * `POST /api/docs` body (an empty body means `{}`: an untitled document with a fresh random
 * name). With `name`, that document is created (the web app's "Create it"), or 409.
 */
export const CreateDocumentRequest = z
  .object({
    title: z.string().trim().max(TITLE_MAX_LENGTH).optional(),
    name: z.string().optional(),
    /** Import: the new document's content, from a Markdown or HTML file. */
    content: z
      .object({ format: z.enum(['markdown', 'html']), text: z.string() })
      .strict()
      .optional(),
  })
  .strict();
export type CreateDocumentRequest = z.input<typeof CreateDocumentRequest>;

/** `POST /api/docs` answer (201): the new document and its page. */
export const CreatedDocument = DocumentSummary.extend({ url: z.string() });
export type CreatedDocument = z.infer<typeof CreatedDocument>;

/** `POST /api/share` body: a link to `doc` with `role`, valid for `ttlSeconds` (default 7 days). */
export const ShareRequest = z
  .object({
    doc: z.string(),
    role: z.enum(Role),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(30 * DAY)
      .default(7 * DAY),
  })
  .strict();
export type ShareRequest = z.input<typeof ShareRequest>;

/** `POST /api/share` answer: the token and a ready page link carrying it. */
export const ShareLink = z.object({
  role: z.enum(Role),
  token: z.string(),
  url: z.string(),
  expiresAt: z.string(),
});
export type ShareLink = z.infer<typeof ShareLink>;

/** The body of every error answer: `{ "error": { "code", "message" } }`. */
export const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/**
 * The error code of a 410 from `GET /api/docs/:doc`: `deleted` in the trash (it may be
 * restored), `purged` deleted for good. (A type only: the client never imports zod.)
 */
export type DeletedDocumentCode = 'deleted' | 'purged';

/** A document in the trash: when it was deleted and when it will be purged for good. */
export const TrashedDocument = DocumentSummary.extend({ deletedAt: z.string(), purgeAt: z.string() });
export type TrashedDocument = z.infer<typeof TrashedDocument>;

/** `GET /api/trash`: the deleted documents the caller may see, most recently deleted first. */
export const TrashList = z.object({ documents: z.array(TrashedDocument), retentionDays: z.number() });
export type TrashList = z.infer<typeof TrashList>;

/** `DELETE /api/trash` answer (empty the trash): how many documents were purged. */
export const PurgeResult = z.object({ purged: z.number() });
export type PurgeResult = z.infer<typeof PurgeResult>;

/** `POST /api/docs/:doc/duplicate` body: the copy's title (default "Copy of <title>"). */
export const DuplicateRequest = z
  .object({ title: z.string().trim().max(TITLE_MAX_LENGTH).optional() })
  .strict();
export type DuplicateRequest = z.input<typeof DuplicateRequest>;

/** Someone in a document right now (from its awareness): the name and colour others see. */
export const PresentPerson = z.object({ id: z.string(), name: z.string(), color: z.string() });
export type PresentPerson = z.infer<typeof PresentPerson>;

/** `GET /api/presence`: who is in each document the caller may see, for documents with anyone. */
export const Presence = z.object({ documents: z.record(z.string(), z.array(PresentPerson)) });
export type Presence = z.infer<typeof Presence>;

/** `POST /api/docs/:doc/images` answer (201): where the image is served, and what it is. */
export const UploadedImage = z.object({
  hash: z.string(),
  type: z.string(),
  bytes: z.number(),
  url: z.string(),
});
export type UploadedImage = z.infer<typeof UploadedImage>;

/** What a version is: taken automatically, named by someone, or saved just before a restore. */
export const VersionKind = { Auto: 'auto', Named: 'named', Restore: 'restore' } as const;
export type VersionKind = (typeof VersionKind)[keyof typeof VersionKind];

/** Longest version name, after trimming. */
export const VERSION_NAME_MAX_LENGTH = 200;

/**
 * A saved state of a document. `authors`: the names of the people whose edits it covers
 * since the version before it (from their awareness `user.name`; nameless clients count as
 * nothing). `bytes`: the size of its stored state.
 */
export const Version = z.object({
  id: z.string(),
  createdAt: z.string(),
  name: z.string().nullable(),
  kind: z.enum(VersionKind),
  authors: z.array(z.string()),
  bytes: z.number(),
});
export type Version = z.infer<typeof Version>;

/** `GET /api/docs/:doc/versions`: newest first. */
export const VersionList = z.object({ versions: z.array(Version) });
export type VersionList = z.infer<typeof VersionList>;

/**
 * `POST /api/docs/:doc/versions` body: `{ name }` saves the current state as a named version;
 * `{ kind: 'restore', restoring }` saves it as the "Before restoring …" version, which the
 * editor does just before it restores `restoring` on its side.
 */
export const CreateVersionRequest = z.union([
  z.object({ name: z.string().trim().min(1).max(VERSION_NAME_MAX_LENGTH) }).strict(),
  z.object({ kind: z.literal(VersionKind.Restore), restoring: z.string().min(1) }).strict(),
]);
export type CreateVersionRequest = z.input<typeof CreateVersionRequest>;

/** `POST /api/docs/:doc/versions` answer (201). */
export const CreatedVersion = z.object({ version: Version });
export type CreatedVersion = z.infer<typeof CreatedVersion>;

/**
 * `POST /api/docs/:doc/versions/:id/restore` answer: the version restored, and the version
 * that keeps the state just before the restore.
 */
export const RestoredVersion = z.object({ restoredFrom: Version, saved: Version });
export type RestoredVersion = z.infer<typeof RestoredVersion>;
