/**
 * Every server setting: its environment variable, default and validation.
 * The README's settings table mirrors this file.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from '../shared/access.ts';
import { DEFAULT_MAX_DOC_NAME_BYTES, MAX_DOC_NAME_BYTES_CEILING } from '../shared/docName.ts';

const MiB = 1024 * 1024;

/**
 * Imported files are converted on the event loop (about 3 s per MiB of Markdown measured on
 * this project's 2-core machines), so the default keeps one import to a few seconds: 1 MiB
 * of Markdown is a long book.
 */
const DEFAULT_MAX_IMPORT_BYTES = 1 * MiB;

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
  AUTH_SECRET: z
    .string()
    .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`)
    .optional(),
  AUTH_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' })
    .optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  ALLOWED_HOSTS: z.string().optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  MAX_DOCUMENT_BYTES: integer(1024, 1024 * 1024 * MiB).default(64 * MiB),
  // No default here: it is 1 MiB or MAX_DOCUMENT_BYTES, whichever is smaller (loadConfig).
  MAX_IMPORT_BYTES: integer(1024, 1024 * 1024 * MiB).optional(),
  MAX_MESSAGES_PER_SECOND: integer(1, 1_000_000).default(100),
  MAX_MESSAGE_BURST: integer(1, 10_000_000).default(500),
  MAX_CONNECTIONS: integer(1, 10_000_000).default(20_000),
  MAX_CONNECTIONS_PER_IP: integer(1, 10_000_000).default(200),
  MAX_LOADED_DOCUMENTS: integer(1, 10_000_000).default(10_000),
  MAX_BUFFERED_BYTES: integer(64 * 1024, 1024 * 1024 * MiB).default(16 * MiB),
  PER_MESSAGE_DEFLATE: z.enum(['true', 'false']).default('false'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_PREFIX: z.string().min(1).max(200).default('inkwell:'),
  // No default here: unset leaves RoomRegistry's (2 s).
  LOG_CHECK_INTERVAL_MS: integer(100, 86_400_000).optional(),
  DATABASE_POOL_SIZE: integer(1, 1000).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default(5000),
  // At least 128: every name valid before issue 15 (128 ASCII characters) stays valid.
  MAX_DOC_NAME_BYTES: integer(128, MAX_DOC_NAME_BYTES_CEILING).default(DEFAULT_MAX_DOC_NAME_BYTES),
  REPEAT_REFUSAL_WINDOW_MS: integer(0, 3_600_000).default(60_000),
  TRASH_RETENTION_DAYS: integer(0, 36_500).default(30),
  MAX_IMAGE_BYTES: integer(1024, 1024 * MiB).default(10 * MiB),
  METRICS: z.enum(['true', 'false']).default('true'),
  AUTO_VERSIONS: z.enum(['true', 'false']).default('true'),
  VERSION_QUIET_MS: integer(1000, 86_400_000).default(2 * 60 * 1000),
  VERSION_MAX_INTERVAL_MS: integer(1000, 7 * 86_400_000).default(10 * 60 * 1000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
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
  /** HS256 secret; when set, every connection and API call needs a valid token. */
  authSecret: string | null;
  /** Optional PEM public key for ES256/EdDSA tokens minted elsewhere. */
  authPublicKey: string | null;
  /** Origins allowed to open sync sockets from a browser; null allows any. */
  allowedOrigins: string[] | null;
  /** With auth off, host names served besides localhost and IP addresses (access/browserGuard.ts). */
  allowedHosts: string[];
  /** Take the client address from X-Forwarded-For (only behind a proxy you control). */
  trustProxy: boolean;
  /**
   * Offer permessage-deflate to clients: less bandwidth for text-heavy documents, much more
   * CPU (each socket compresses every broadcast with its own context).
   */
  perMessageDeflate: boolean;
  /** A document whose stored size would pass this refuses the update (4413). */
  maxDocumentBytes: number;
  /**
   * Imported files (POST /api/docs with content) larger than this, in UTF-8 bytes, are refused
   * (413) before they are converted: converting blocks the event loop for as long as it takes.
   */
  maxImportBytes: number;
  /** Token bucket per connection: sustained rate and burst. */
  maxMessagesPerSecond: number;
  maxMessageBurst: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxLoadedDocuments: number;
  /** Unsent bytes after which a slow reader is closed (1013) instead of buffered. */
  maxBufferedBytes: number;
  /** PostgreSQL instead of the SQLite file in `dataDir`; null for SQLite. */
  database: DatabaseConfig | null;
  /** Several instances over Redis (fan-out); null for a lone instance. Requires `database`. */
  redis: RedisConfig | null;
  /** Longest document name, in UTF-8 bytes; longer ones are refused (4400, or 400 by the API). */
  maxDocNameBytes: number;
  /**
   * How long a final refusal is remembered per address and request: a repeat within it is
   * refused at the HTTP level, before the upgrade, so that clients before y-websocket 3.1 back
   * off (transport/RefusalMemory.ts). 0 turns it off.
   */
  repeatRefusalWindowMs: number;
  /** Days a deleted document stays in the trash before it is purged for good (0: at the next sweep). */
  trashRetentionDays: number;
  /** Uploaded images above this size are refused (413). */
  maxImageBytes: number;
  /** Count what the server does and serve `/metrics` and the dashboard's stats. */
  metrics: boolean;
  /** A bearer token Prometheus may scrape `/metrics` with when auth is on (besides admin tokens). */
  metricsToken: string | null;
  /** Take automatic versions (named and restore versions work either way). */
  autoVersions: boolean;
  /** Quiet time after a burst of editing before an automatic version is taken. */
  versionQuietMs: number;
  /** Longest time edits go without an automatic version while editing continues. */
  versionMaxIntervalMs: number;
  /**
   * Names this process among several: the `X-Inkwell-Instance` response header and its row on
   * `/admin`. Defaults to host name and process id, unique on one machine and across machines.
   */
  instanceId: string;
}

export interface DatabaseConfig {
  url: string;
  poolSize: number;
  /** Statements running longer are cancelled, so a stuck database cannot hold appends forever. */
  statementTimeoutMs: number;
}

export interface RedisConfig {
  url: string;
  /** Namespaces every channel and key, so that deployments can share one Redis. */
  prefix: string;
  /**
   * How often the loaded documents' newest log numbers are checked for a lost message with
   * nothing after it (undefined: RoomRegistry's default).
   */
  logCheckIntervalMs?: number;
}

/** Thrown with a message naming every invalid variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  /** The process's exit status: 2 for a malformed value, 1 for settings that cannot work together. */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
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
  if (e.REDIS_URL && !e.DATABASE_URL) {
    // Each instance would keep its own SQLite file: Redis would carry edits that no other
    // instance could ever load or repair from.
    throw new ConfigError(
      'REDIS_URL needs DATABASE_URL: instances share documents through PostgreSQL, Redis only tells them about changes',
      1,
    );
  }
  if (e.MAX_IMPORT_BYTES !== undefined && e.MAX_IMPORT_BYTES > e.MAX_DOCUMENT_BYTES) {
    // An import that size could never become a document: it is refused either way, but later.
    throw new ConfigError(
      `invalid settings: MAX_IMPORT_BYTES: must not be above MAX_DOCUMENT_BYTES (${e.MAX_DOCUMENT_BYTES})`,
    );
  }
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
    authSecret: e.AUTH_SECRET ?? null,
    authPublicKey: e.AUTH_PUBLIC_KEY?.replace(/\\n/g, '\n') ?? null,
    allowedOrigins: e.ALLOWED_ORIGINS
      ? e.ALLOWED_ORIGINS.split(',')
          .map((origin) => origin.trim().replace(/\/$/, ''))
          .filter(Boolean)
      : null,
    allowedHosts: (e.ALLOWED_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    trustProxy: e.TRUST_PROXY === 'true',
    perMessageDeflate: e.PER_MESSAGE_DEFLATE === 'true',
    maxDocumentBytes: e.MAX_DOCUMENT_BYTES,
    maxImportBytes: e.MAX_IMPORT_BYTES ?? Math.min(DEFAULT_MAX_IMPORT_BYTES, e.MAX_DOCUMENT_BYTES),
    maxMessagesPerSecond: e.MAX_MESSAGES_PER_SECOND,
    maxMessageBurst: e.MAX_MESSAGE_BURST,
    maxConnections: e.MAX_CONNECTIONS,
    maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    maxLoadedDocuments: e.MAX_LOADED_DOCUMENTS,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    database: e.DATABASE_URL
      ? {
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
        }
      : null,
    redis: e.REDIS_URL
      ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX, logCheckIntervalMs: e.LOG_CHECK_INTERVAL_MS }
      : null,
    maxDocNameBytes: e.MAX_DOC_NAME_BYTES,
    repeatRefusalWindowMs: e.REPEAT_REFUSAL_WINDOW_MS,
    trashRetentionDays: e.TRASH_RETENTION_DAYS,
    maxImageBytes: e.MAX_IMAGE_BYTES,
    metrics: e.METRICS === 'true',
    metricsToken: e.METRICS_TOKEN ?? null,
    autoVersions: e.AUTO_VERSIONS === 'true',
    versionQuietMs: e.VERSION_QUIET_MS,
    versionMaxIntervalMs: e.VERSION_MAX_INTERVAL_MS,
    instanceId: e.INSTANCE_ID ?? defaultInstanceId(),
  };
}

/** Host name and process id, trimmed to what INSTANCE_ID allows. */
function defaultInstanceId(): string {
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 48) || 'inkwell';
  return `${host}-${process.pid}`;
}
