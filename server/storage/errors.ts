/**
 * An append to the name of a purged document: an instance that missed the purge (its
 * eviction message lost) must not bring the document back under that name.
 */
export class DocumentPurgedError extends Error {
  override readonly name = 'DocumentPurgedError';

  constructor(doc: string) {
    super(`document ${doc} was purged`);
  }
}

/** Thrown by a storage call made after `close()`. */
export class StorageClosedError extends Error {
  override readonly name = 'StorageClosedError';

  constructor() {
    super('storage is closed');
  }
}

/**
 * The database could not be opened at start-up (unreachable, refused our credentials, or a
 * schema this server cannot use). The message names where and why, in one line, for
 * operators: `main.ts` prints it and exits 1.
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}
