import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { CloseCode } from '../shared/closeCodes.ts';
import type { LiveInstance } from './cluster/InstanceLiveness.ts';
import { RedisDocumentBus } from './cluster/RedisDocumentBus.ts';
import type { Config } from './config.ts';
import { documentDeletion } from './documents/documentDeletion.ts';
import { DocumentLifecycle } from './documents/DocumentLifecycle.ts';
import { runBackfills } from './backfills/runBackfills.ts';
import { createApp } from './http/app.ts';
import type { CallerEnv } from './http/callerAccess.ts';
import { mountOpsRoutes } from './http/opsRoutes.ts';
import { Readiness } from './health/Readiness.ts';
import { referenceImages } from './rooms/ImageReferences.ts';
import { PrometheusMetrics } from './metrics/PrometheusMetrics.ts';
import { StatsSampler } from './metrics/StatsSampler.ts';
import { RedisFleetChannel } from './fleet/RedisFleetChannel.ts';
import { attachSyncUpgrades, INSTANCE_HEADER } from './transport/syncUpgrade.ts';
import type { Logger } from './logger.ts';
import { RoomRegistry } from './rooms/RoomRegistry.ts';
import { mirrorTitles } from './rooms/TitleMirror.ts';
import { openStorage } from './storage/openStorage.ts';
import type { Storage } from './storage/Storage.ts';
import { Authorizer } from './access/authorize.ts';
import { TokenVerifier } from './access/TokenVerifier.ts';
import type { BrowserGuard } from './access/browserGuard.ts';
import { guardBrowserRequests } from './http/browserRequests.ts';
import { ConnectionLimiter } from './access/ConnectionLimiter.ts';
import { Heartbeat } from './transport/Heartbeat.ts';
import { HeldRefusals } from './transport/HeldRefusals.ts';
import { RefusalMemory } from './transport/RefusalMemory.ts';
import { RetentionSweep } from './versions/RetentionSweep.ts';
import { Versioning } from './versions/Versioning.ts';
import { REAL_TIMERS, type VersionTimers } from './versions/VersionTimers.ts';

/** What tests may replace in a server (production passes nothing). */
export interface ServerHooks {
  /** The clock and timers of automatic versions (tests drive them by hand). */
  versionTimers?: VersionTimers;
}

/** A listening Inkwell server. */
export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly registry: RoomRegistry;
  /** Null with METRICS=false. */
  readonly metrics: PrometheusMetrics | null;
  /** With REDIS_URL: this instance's id and the instances alive now (from their liveness keys). */
  readonly cluster: { readonly instanceId: string; liveInstances(): Promise<LiveInstance[]> } | null;
  /**
   * Graceful stop: refuse new work, close sockets with 1012 (clients retry), flush every
   * room, close the storage. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Refused handshakes remembered at once (RefusalMemory): about 150 bytes each, so ~1.5 MB at
 * most; far more stale tabs than one server meets, and a flood only evicts the oldest.
 */
const REMEMBERED_REFUSALS = 10_000;

/** How often documents past the trash retention are purged. */
const TRASH_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** How often every document's automatic versions are thinned (docs/ARCHITECTURE.md, versions/). */
const VERSION_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Where `npm run build` puts the web client. Resolved from this module's URL, which is one
 * directory below the root both as source (`server/`) and compiled (`dist/server.js`).
 */
const CLIENT_DIST_DIR = fileURLToPath(new URL('../client/dist', import.meta.url));

/** Wires store, rooms, transport and HTTP together and listens. */
export async function startServer(
  config: Config,
  logger: Logger,
  storage?: Storage,
  hooks: ServerHooks = {},
): Promise<RunningServer> {
  storage ??= await openStorage(config, logger);
  await runBackfills(storage, logger.child({ component: 'storage' }));
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  // The gauges read the registry (declared below) at scrape time.
  const metrics: PrometheusMetrics | null = config.metrics
    ? new PrometheusMetrics({
        connections: () => registry.connectionCount,
        documentsLoaded: () => registry.loadedCount,
        redisConnected: config.redis === null ? undefined : () => bus?.unreachable() === null,
        ready: async (): Promise<boolean> => (await readiness.check()).ready,
      })
    : null;
  const bus =
    config.redis === null
      ? null
      : new RedisDocumentBus({
          ...config.redis,
          name: config.instanceId,
          logger: logger.child({ component: 'cluster' }),
          metrics: metrics ?? undefined,
        });
  // Redis away at start is no reason to refuse edits (the database is the truth): the
  // instance starts unready and connects when Redis is back.
  if (bus !== null && !(await bus.start())) {
    logger.warn({ reason: bus.unreachable() }, 'redis unreachable at start; starting unready and retrying');
  }
  const readiness: Readiness = new Readiness({
    isShuttingDown,
    catalogue: storage.catalogue,
    probe: storage.probe?.bind(storage),
    redisUnreachable: bus === null ? undefined : () => bus.unreachable(),
  });
  const versioning: Versioning = new Versioning({
    versions: storage.versions,
    rooms: { withRoom: (name, work) => registry.withRoom(name, work) },
    timers: hooks.versionTimers ?? REAL_TIMERS,
    logger: logger.child({ component: 'versions' }),
    quietMs: config.versionQuietMs,
    maxIntervalMs: config.versionMaxIntervalMs,
    automatic: config.autoVersions,
  });
  const versionSweep = new RetentionSweep({
    versions: storage.versions,
    documents: async () =>
      [...(await storage.catalogue.list()), ...(await storage.catalogue.listTrash())].map((d) => d.name),
    timers: hooks.versionTimers ?? REAL_TIMERS,
    logger: logger.child({ component: 'versions' }),
    intervalMs: VERSION_SWEEP_INTERVAL_MS,
  });
  versionSweep.start();
  const registry: RoomRegistry = new RoomRegistry({
    log: readiness.watch(storage.log),
    metrics: metrics ?? undefined,
    bus: bus ?? undefined,
    logCheckIntervalMs: config.redis?.logCheckIntervalMs,
    logger: logger.child({ component: 'rooms' }),
    compactAfterUpdates: config.compactAfterUpdates,
    maxDocumentBytes: config.maxDocumentBytes,
    observers: [
      mirrorTitles(storage.catalogue, logger.child({ component: 'rooms' })),
      versioning.observer,
      referenceImages(storage.blobs, logger.child({ component: 'rooms' })),
    ],
    deletionOf: (name) => documentDeletion(storage.catalogue, name),
  });
  const lifecycle = new DocumentLifecycle({
    log: storage.log,
    catalogue: storage.catalogue,
    blobs: storage.blobs,
    versions: storage.versions,
    rooms: registry,
    retentionDays: config.trashRetentionDays,
    logger: logger.child({ component: 'trash' }),
  });
  lifecycle.startSweeping(TRASH_SWEEP_INTERVAL_MS);
  const verifier =
    config.authSecret === null
      ? null
      : new TokenVerifier({ secret: config.authSecret, publicKeyPem: config.authPublicKey ?? undefined });
  const authorizer = new Authorizer(verifier);
  // Auth off: which names and browser origins may use the server (access/browserGuard.ts).
  const browserGuard: BrowserGuard | null = authorizer.tokensRequired
    ? null
    : { allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins };
  const heartbeat = new Heartbeat(config.heartbeatIntervalMs);

  const httpLogger = logger.child({ component: 'http' });
  const transportLogger = logger.child({ component: 'transport' });
  const fleetChannel =
    config.redis === null || metrics === null
      ? null
      : new RedisFleetChannel(config.redis, logger.child({ component: 'fleet' }));
  const stats =
    metrics === null
      ? null
      : new StatsSampler(metrics, registry, storage.catalogue, {
          instanceId: config.instanceId,
          readiness,
          channel: fleetChannel,
        });
  const app = new Hono<CallerEnv>();
  // Behind a balancer, says which instance served a request (docs/SCALING.md).
  app.use('*', async (c, next) => {
    await next();
    c.header(INSTANCE_HEADER, config.instanceId);
  });
  if (browserGuard !== null) guardBrowserRequests(app, browserGuard);
  mountOpsRoutes(app, { metrics, stats, readiness, authorizer, metricsToken: config.metricsToken });
  createApp(
    {
      registry,
      isShuttingDown,
      catalogue: storage.catalogue,
      log: storage.log,
      logger: httpLogger,
      clientDir: CLIENT_DIST_DIR,
      authorizer,
      tokenSecret: config.authSecret,
      maxDocNameBytes: config.maxDocNameBytes,
      lifecycle,
      trashRetentionDays: config.trashRetentionDays,
      blobs: storage.blobs,
      maxImageBytes: config.maxImageBytes,
      versioning,
      maxDocumentBytes: config.maxDocumentBytes,
      maxImportBytes: config.maxImportBytes,
    },
    app,
  );

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const refusals = new RefusalMemory({
    windowMs: config.repeatRefusalWindowMs,
    maxEntries: REMEMBERED_REFUSALS,
  });
  const repeatAnswers = new HeldRefusals({ firstDelayMs: 250, maxDelayMs: 15_000, maxHeld: 1000 });
  const wss = attachSyncUpgrades(server as Server, {
    refusals,
    repeatAnswers,
    trustProxy: config.trustProxy,
    perMessageDeflate: config.perMessageDeflate,
    instanceId: config.instanceId,
    // Frames between MAX_MESSAGE_BYTES and this ceiling get our 4413 (final, so the client
    // does not loop resending them); ws itself answers 1009 only above it.
    maxPayload: config.maxMessageBytes * 2,
    connection: {
      admission: {
        authorizer,
        allowedOrigins: config.allowedOrigins,
        browserGuard,
        connections: new ConnectionLimiter(config.maxConnections, config.maxConnectionsPerIp),
        documents: registry,
        maxLoadedDocuments: config.maxLoadedDocuments,
        maxDocNameBytes: config.maxDocNameBytes,
        isShuttingDown,
        logger: transportLogger,
      },
      rooms: registry,
      heartbeat,
      refusals,
      logger: transportLogger,
      metrics: metrics ?? undefined,
      limits: {
        maxMessageBytes: config.maxMessageBytes,
        maxBufferedBytes: config.maxBufferedBytes,
        maxMessagesPerSecond: config.maxMessagesPerSecond,
        maxMessageBurst: config.maxMessageBurst,
      },
    },
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      heartbeat.stop();
      lifecycle.stop();
      const versionSweepStopped = versionSweep.stop();
      stats?.stop();
      await fleetChannel?.close();
      await registry.closeAll(CloseCode.ServiceRestart, 'server is restarting');
      // After the last commits were published: unsubscribe, drop the liveness key, quit.
      await bus?.close();
      await versionSweepStopped;
      await storage.close();
      for (const client of wss.clients) client.terminate();
      repeatAnswers.dropAll();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await stopped;
    })();
    return closing;
  };

  return { url: `http://${host}:${port}`, port, registry, metrics, cluster: bus, close };
}
