import { DeletedReason } from '../../shared/closeCodes.ts';

/** Whether a document is gone to the trash (it may be restored) or purged for good. */
export const Deletion = { Trashed: 'trashed', Purged: 'purged' } as const;
export type Deletion = (typeof Deletion)[keyof typeof Deletion];

/**
 * A join of a document in the trash or purged; its socket is closed with
 * CloseCode.DocumentDeleted and, as the reason, this error's message (a `DeletedReason`).
 */
export class DocumentDeletedError extends Error {
  override readonly name = 'DocumentDeletedError';
  override readonly message: DeletedReason;

  constructor(readonly deletion: Deletion) {
    const reason = deletion === Deletion.Trashed ? DeletedReason.Trashed : DeletedReason.Purged;
    super(reason);
    this.message = reason;
  }
}
