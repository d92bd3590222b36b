/** `npm start`: build the web client if needed, then run the server in this process. */
import { ensureClientBuild } from './clientBuild.ts';

await ensureClientBuild();
await import('../server/main.ts');
