import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, DeletedReason } from '../../../shared/closeCodes.ts';
import { encodeSyncUpdate } from '../../../shared/protocol.ts';
import type { Storage } from '../../../server/storage/Storage.ts';
import { freshDatabaseUrl, openTestPostgres } from '../../helpers/postgres.ts';
import { clientEdit, ConnectedSocket, openRoom } from '../../helpers/roomFakes.ts';
import { waitFor } from '../../helpers/wait.ts';

describe('a room whose document was purged through another instance', () => {
  let opened: Storage[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.map((storage) => storage.close()));
    opened = [];
  });

  it('closes a writer with the final purged code instead of bringing the document back', async () => {
    const url = await freshDatabaseUrl();
    const [here, elsewhere] = await Promise.all([
      openTestPostgres(undefined, url),
      openTestPostgres(undefined, url),
    ]);
    opened = [here, elsewhere];
    const room = await openRoom(here.log);
    const writer = new ConnectedSocket(room);
    const client = clientEdit('kept until the purge');
    writer.deliver(encodeSyncUpdate(client.update));
    await waitFor(async () => (await elsewhere.catalogue.info('doc')) !== null, 'the first edit stored');

    // Purged through the other instance; this one never hears of it (a lost message).
    await elsewhere.catalogue.trash('doc');
    await elsewhere.catalogue.delete('doc');
    writer.deliver(encodeSyncUpdate(clientEdit(', and after', client.doc).update));

    await waitFor(() => writer.closed !== null, 'the writer to be closed');
    expect(writer.closed).toEqual({ code: CloseCode.DocumentDeleted, reason: DeletedReason.Purged });
    expect(await elsewhere.catalogue.info('doc')).toBeNull();
    expect(await elsewhere.catalogue.list()).toEqual([]);
  });
});
