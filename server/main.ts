/**
 * Entry point: reads settings, starts the server, and shuts down cleanly on SIGTERM/SIGINT
 * within SHUTDOWN_TIMEOUT_MS.
 */
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './startServer.ts';
import { StorageUnavailableError } from './storage/errors.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`inkwell: ${error.message}\n`);
  process.exit(error.exitCode);
}

const logger = createLogger(config.logLevel);
if (config.authSecret === null) {
  const warning =
    'AUTH IS OFF: anyone who can reach this server can read and change every document. ' +
    'Set AUTH_SECRET (32+ characters) before exposing it beyond this machine; see docs/SECURITY.md.';
  logger.warn(warning);
  process.stderr.write(`\n  ⚠  ${warning}\n\n`);
}
const server = await startServer(config, logger).catch((error: unknown) => {
  if (!(error instanceof StorageUnavailableError)) throw error;
  // One line naming the database and the reason; no stack for an operator's typo.
  process.stderr.write(`inkwell: ${error.message}\n`);
  process.exit(1);
});
logger.info({ url: server.url, dataDir: config.dataDir }, `Inkwell is listening on ${server.url}`);
// A plain line for humans and scripts that wait for the server (tests parse it).
process.stdout.write(
  `Inkwell listening on ${server.url} (sync: ${server.url.replace(/^http/, 'ws')}/sync/<doc>)\n`,
);

const shutdown = (signal: NodeJS.Signals) => {
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting anyway');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  server.close().then(
    () => {
      logger.info('shut down cleanly');
      process.exit(0);
    },
    (error: unknown) => {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
