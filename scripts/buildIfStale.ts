/**
 * `npm start` runs this, then `node dist/server.js`: the web client and the server are built
 * when missing or older than their sources, and the server runs as plain JavaScript, with no
 * TypeScript loader in its process.
 */
import { ensureClientBuild } from './clientBuild.ts';
import { ensureServerBuild } from './serverBuild.ts';

await ensureClientBuild();
await ensureServerBuild();
