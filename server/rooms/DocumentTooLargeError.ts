/** A server-made change would take the document past its size limit (MAX_DOCUMENT_BYTES). */
export class DocumentTooLargeError extends Error {
  override readonly name = 'DocumentTooLargeError';
}
