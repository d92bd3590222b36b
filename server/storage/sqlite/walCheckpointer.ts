import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.ts';

/**
 * The thread's code, plain JavaScript so it runs the same under tsx, vitest and node. It
 * opens its own connection to the database and checkpoints the WAL on an interval.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a WAL-mode SQLite database from a worker thread.
 *
 * SQLite otherwise checkpoints inside whichever commit pushes the WAL past its threshold, on
 * the event loop: copying the pages back and fsyncing the database stalls every room for
 * milliseconds, several times a second in a busy one. A PASSIVE checkpoint on another
 * connection never blocks writers, so commits stay short; the main connection keeps a high
 * threshold of its own only as a backstop, should this thread fall behind.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(file: string, intervalMs: number, logger: Logger) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        intervalMs,
        sqliteModule: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    this.worker.on('message', (message: { error?: string }) =>
      logger.warn({ error: message.error }, 'background WAL checkpoint failed'),
    );
    this.worker.on('error', (error) => logger.error({ err: error }, 'WAL checkpoint thread died'));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // It must never be what keeps the process alive.
    this.worker.unref();
  }

  async stop(): Promise<void> {
    // Waiting for it to exit must keep the process alive: a script that closes the storage
    // with nothing else pending would otherwise end mid-await (exit code 13).
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
