/**
 * What a workload runs against: one server process, or several instances of one server that
 * share a database and a private Redis (bench/benchRedis.ts), with no balancer: the load
 * generator spreads each room's clients over the instances itself, the worst case for
 * cross-instance traffic. CPU and memory are summed over the instances.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { benchDatabase } from './benchDatabase.ts';
import { BenchRedis, commandsBetween, type CommandCounts } from './benchRedis.ts';
import {
  hocuspocus,
  inkwellPostgres,
  RunningServer,
  type ProcessStats,
  type ServerKind,
  type StartOptions,
} from './servers.ts';
import type { WireFlavor } from './wire.ts';

/** Several instances of one server behind one Redis. */
export interface ClusterKind {
  name: string;
  flavor: WireFlavor;
  instances: number;
  /** The server kind of instance `index`, given the deployment's shared directory and Redis. */
  instance(index: number, shared: { dir: string; redis: BenchRedis; prefix: string }): ServerKind;
}

export interface Deployment {
  readonly name: string;
  readonly flavor: WireFlavor;
  readonly instances: RunningServer[];
  /** Client `index` of a room connects to instance `index % instances`. */
  urlFor(doc: string, index: number): string;
  /** CPU and peak memory summed over the instances. */
  stats(): ProcessStats;
  /** Redis calls so far by command, or null without Redis. */
  redisCommands(): Promise<CommandCounts | null>;
  kill(index: number): Promise<void>;
  /** Starts instance `index` again on its own data (after `kill`). */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

const isCluster = (kind: ServerKind | ClusterKind): kind is ClusterKind => 'instances' in kind;

/** Starts `kind`: one process, or a cluster with its own database schema and Redis. */
export async function deploy(
  kind: ServerKind | ClusterKind,
  options: StartOptions = {},
): Promise<Deployment> {
  let redis: BenchRedis | null = null;
  let kinds: ServerKind[];
  let shared: string | null = null;
  if (isCluster(kind)) {
    redis = await BenchRedis.start();
    shared = fs.mkdtempSync(path.join(os.tmpdir(), `inkwell-bench-${kind.name}-`));
    const prefix = `bench-${randomBytes(4).toString('hex')}:`;
    const context = { dir: shared, redis, prefix };
    kinds = Array.from({ length: kind.instances }, (_, i) => kind.instance(i, context));
  } else {
    kinds = [kind];
  }
  const instances: RunningServer[] = [];
  try {
    for (const instanceKind of kinds)
      instances.push(await RunningServer.start(instanceKind, undefined, options));
  } catch (error) {
    // Leave nothing running behind a deployment that did not start.
    for (const server of instances) await server.kill();
    await redis?.stop();
    throw error;
  }
  const sum = (pick: (s: ProcessStats) => number) =>
    instances.reduce((total, server) => total + pick(server.stats()), 0);
  return {
    name: kind.name,
    flavor: kind.flavor,
    instances,
    urlFor: (doc, index) => instances[index % instances.length]!.documentUrl(doc),
    stats: () => ({
      cpuSeconds: sum((s) => s.cpuSeconds),
      rssBytes: sum((s) => s.rssBytes),
      peakRssBytes: sum((s) => s.peakRssBytes),
    }),
    redisCommands: async () => (redis === null ? null : redis.commandCounts()),
    kill: (index) => instances[index]!.kill(),
    restart: async (index) => {
      const dead = instances[index]!;
      instances[index] = await RunningServer.start(dead.kind, dead.dataDir, options);
    },
    stop: async () => {
      for (const server of instances) {
        await server.stop();
        server.removeData();
      }
      await redis?.stop();
      if (shared !== null) fs.rmSync(shared, { recursive: true, force: true });
    },
  };
}

/** Redis traffic of one measured phase, per accepted update. */
export interface RedisPerUpdate {
  commandsPerUpdate: number;
  publishesPerUpdate: number;
  /** The most called commands in the phase, `name×calls`. */
  top: string;
}

export function redisPerUpdate(
  before: CommandCounts | null,
  after: CommandCounts | null,
  updates: number,
): RedisPerUpdate | null {
  if (before === null || after === null) return null;
  const calls = commandsBetween(before, after);
  const total = calls.reduce((sum, [, n]) => sum + n, 0);
  const publishes = calls.filter(([command]) => command === 'publish').reduce((sum, [, n]) => sum + n, 0);
  const perUpdate = (n: number) => +(n / Math.max(1, updates)).toFixed(3);
  return {
    commandsPerUpdate: perUpdate(total),
    publishesPerUpdate: perUpdate(publishes),
    top: calls
      .slice(0, 4)
      .map(([command, n]) => `${command}×${n}`)
      .join(' '),
  };
}

/**
 * Inkwell instances on one PostgreSQL schema and one Redis prefix (REDIS_URL), each with its
 * own INSTANCE_ID; limits lifted as for `inkwell`.
 */
const inkwellCluster = (instances: number): ClusterKind => ({
  name: `inkwell-redis-x${instances}`,
  flavor: 'y-websocket',
  instances,
  instance: (index, { dir, redis, prefix }) => ({
    ...inkwellPostgres,
    name: `inkwell-redis-${index}`,
    command: (port, dataDir) => {
      const { args, env } = inkwellPostgres.command(port, dataDir);
      return {
        args,
        env: {
          ...env,
          DATABASE_URL: benchDatabase.urlFor(dir),
          REDIS_URL: redis.url,
          REDIS_PREFIX: prefix,
          INSTANCE_ID: `bench-${index}`,
        },
      };
    },
    prepareStorage: () => benchDatabase.prepare(dir),
  }),
});

/**
 * Hocuspocus with `@hocuspocus/extension-redis` (its defaults) on one shared SQLite file,
 * as its scaling guide sets it up.
 */
const hocuspocusCluster = (instances: number): ClusterKind => ({
  name: `hocuspocus-redis-x${instances}`,
  flavor: 'hocuspocus',
  instances,
  instance: (index, { dir, redis, prefix }) => ({
    ...hocuspocus,
    name: `hocuspocus-redis-${index}`,
    command: (port) => {
      const { args, env } = hocuspocus.command(port, dir);
      return { args, env: { ...env, REDIS_PORT: String(redis.port), REDIS_PREFIX: prefix } };
    },
  }),
});

/** The scale-out comparison: each server on one instance and on two, same workloads. */
export const SCALE_OUT_KINDS: readonly ClusterKind[] = [
  inkwellCluster(1),
  inkwellCluster(2),
  hocuspocusCluster(1),
  hocuspocusCluster(2),
];
