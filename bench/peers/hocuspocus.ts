/**
 * Hocuspocus as a new user would run it: the stock `Server` with its SQLite extension and
 * default settings (stores debounced, stops on SIGINT/SIGTERM). PORT and DATA_DIR come from
 * the benchmark; it prints one "listening" line when ready.
 */
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';

const port = Number(process.env.PORT);
const database = path.join(process.env.DATA_DIR ?? '.', 'hocuspocus.sqlite');

const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database })],
});
await server.listen();
console.log(`listening on port ${server.address.port}`);
