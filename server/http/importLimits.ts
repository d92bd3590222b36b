import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CreateDocumentRequest } from '../../shared/api.ts';
import type { NewDocument } from '../storage/DocCatalogue.ts';
import { documentFromFile, UnreadableFileError } from '../export/documentFromFile.ts';
import { ApiError } from './errors.ts';

/** Request bodies are small JSON objects; anything bigger is refused before parsing. */
export const MAX_API_BODY_BYTES = 16 * 1024;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const sizeOf = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB (${bytes} bytes)`
    : `${bytes} bytes`;

/** 413 for a body the route refuses by size (`body_too_large`, as every other route says). */
export const bodyTooLarge = () =>
  new ApiError(413, 'body_too_large', `request bodies are limited to ${MAX_API_BODY_BYTES} bytes`);

const importTooLarge = (maxImportBytes: number) =>
  new ApiError(413, 'import_too_large', `imported files are limited to ${sizeOf(maxImportBytes)}`);

/**
 * The stream limit for `POST /api/docs`. Whether a body carries a file is known only once it
 * is parsed, so the body is cut off while it streams (or from its Content-Length, before a
 * byte is read) at the largest body a file at the cap can take: JSON escaping at most doubles
 * ordinary text ("\n", "\""), plus the small body's allowance for the rest. Memory stays
 * bounded by the import cap, not the document limit; `checkCreateBodySize` then holds each
 * kind of body to its own limit.
 */
export function createBodyLimit(maxImportBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: 2 * maxImportBytes + MAX_API_BODY_BYTES,
    onError: () => {
      throw new ApiError(
        413,
        'import_too_large',
        `imported files are limited to ${sizeOf(maxImportBytes)}; other request bodies to ${MAX_API_BODY_BYTES} bytes`,
      );
    },
  });
}

/**
 * A parsed `POST /api/docs` body within its own limit: the file's text at most
 * `maxImportBytes`, any other body as small as every API body (`rawBody` is the text read).
 */
export function checkCreateBodySize(
  body: CreateDocumentRequest,
  rawBody: string,
  maxImportBytes: number,
): void {
  if (body.content === undefined) {
    if (utf8Bytes(rawBody) > MAX_API_BODY_BYTES) throw bodyTooLarge();
  } else if (utf8Bytes(body.content.text) > maxImportBytes) {
    throw importTooLarge(maxImportBytes);
  }
}

/** A new document from an imported file (400 when unreadable, 413 when the document is too large). */
export function importedDocument(
  content: NonNullable<CreateDocumentRequest['content']>,
  title: string | undefined,
  maxDocumentBytes: number,
): NewDocument {
  let imported;
  try {
    imported = documentFromFile(content, title || undefined);
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new ApiError(400, 'unreadable_file', error.message);
    throw error;
  }
  if (imported.update.byteLength > maxDocumentBytes) {
    throw new ApiError(413, 'document_too_large', `documents are limited to ${maxDocumentBytes} bytes`);
  }
  return { title: imported.title, content: imported.update };
}
