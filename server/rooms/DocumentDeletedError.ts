/** A join of a document in the trash; its socket is closed with CloseCode.DocumentDeleted. */
export class DocumentDeletedError extends Error {
  override readonly name = 'DocumentDeletedError';
}
