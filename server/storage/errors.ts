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
