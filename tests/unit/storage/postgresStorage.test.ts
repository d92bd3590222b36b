import { openTestPostgres } from '../../helpers/postgres.ts';
import { docCatalogueContract } from './docCatalogueContract.ts';
import { docLogContract } from './docLogContract.ts';

docLogContract('PostgreSQL', (clock) => openTestPostgres(clock));
docCatalogueContract('PostgreSQL', (clock) => openTestPostgres(clock));
