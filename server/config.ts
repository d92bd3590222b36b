/**
 * Every server setting: its environment variable, default and validation.
 * The README's settings table mirrors this file.
 */
import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  PORT: integer(0, 65535).default(1234),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_MESSAGE_BYTES: integer(1024, 1024 * MiB).default(8 * MiB),
  COMPACT_AFTER_UPDATES: integer(1, 10_000_000).default(1000),
  HEARTBEAT_INTERVAL_MS: integer(100, 3_600_000).default(10_000),
  SHUTDOWN_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
});

export interface Config {
  port: number;
  host: string;
  /** Directory holding the SQLite database. */
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Frames above this size close their socket with 4413. */
  maxMessageBytes: number;
  /** Log entries after which a document's log is folded into its snapshot. */
  compactAfterUpdates: number;
  /** Period of pings (dead-peer detection) and keepalives (the client's 30 s timer). */
  heartbeatIntervalMs: number;
  /** Upper bound on a graceful shutdown before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** NORMAL survives a process crash; FULL also survives power loss, at an fsync per commit. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
}

/** Thrown with a message naming every invalid variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads settings from environment variables (unset or empty means the default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((key) => [key, env[key]?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid settings: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
  };
}
