import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import { blobStoreContract } from './blobStoreContract.ts';
import { docCatalogueContract } from './docCatalogueContract.ts';
import { docLogContract } from './docLogContract.ts';
import { docTrashContract } from './docTrashContract.ts';
import { docVersionsContract } from './docVersionsContract.ts';

docLogContract('memory', (clock) => createMemoryStorage({ clock }));
docCatalogueContract('memory', (clock) => createMemoryStorage({ clock }));
docTrashContract('memory', (clock) => createMemoryStorage({ clock }));
blobStoreContract('memory', (clock) => createMemoryStorage({ clock }));
docVersionsContract('memory', (clock) => createMemoryStorage({ clock }));
