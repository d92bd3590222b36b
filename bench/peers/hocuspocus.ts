/**
 * Hocuspocus as a new user would run it: the stock `Server` with its SQLite extension and
 * default settings (stores debounced, stops on SIGINT/SIGTERM). PORT and DATA_DIR come from
 * the benchmark; it prints one "listening" line when ready. With REDIS_PORT (and
 * REDIS_PREFIX) it also loads `@hocuspocus/extension-redis` with its defaults, as its docs
 * show for several instances; those then share DATA_DIR's SQLite file.
 */
import path from 'node:path';
import { Server } from '@hocuspocus/server';
import { SQLite } from '@hocuspocus/extension-sqlite';
import { Redis } from '@hocuspocus/extension-redis';

const port = Number(process.env.PORT);
const database = path.join(process.env.DATA_DIR ?? '.', 'hocuspocus.sqlite');

const redisPort = process.env.REDIS_PORT;
const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  extensions: [
    new SQLite({ database }),
    ...(redisPort
      ? [
          new Redis({
            host: '127.0.0.1',
            port: Number(redisPort),
            prefix: process.env.REDIS_PREFIX ?? 'hocuspocus',
          }),
        ]
      : []),
  ],
});
await server.listen();
console.log(`listening on port ${server.address.port}`);
