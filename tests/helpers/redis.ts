import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { waitFor } from './wait.ts';
import { freePort } from './freePort.ts';

const REDIS_SERVER = '/usr/bin/redis-server';

/** The Redis the tests share (never restarted by them): TEST_REDIS_URL, else the local one. */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}

/** A prefix no other run uses, so that runs and engineers sharing one Redis never meet. */
export const freshRedisPrefix = (): string => `inkwell-test-${randomBytes(6).toString('hex')}:`;

/** Throws (failing the test, never skipping it) when the shared Redis does not answer. */
export async function requireRedis(url = testRedisUrl()): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `these tests need Redis at ${url} (set TEST_REDIS_URL, or start one: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no): ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    redis.disconnect();
  }
}

/** The connections Redis holds, by id and name (CLIENT LIST). */
export async function redisClients(redis: Redis): Promise<{ id: string; name: string }[]> {
  const list = String(await redis.call('CLIENT', 'LIST'));
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({
      id: /(?:^| )id=(\d+)/.exec(line)?.[1] ?? '',
      name: / name=(\S*)/.exec(line)?.[1] ?? '',
    }));
}

/** A Redis of this test's own, which it may stop and start again on the same port. */
export interface ThrowawayRedis {
  url: string;
  port: number;
  /** Kills the process (SIGKILL: no save, every connection drops). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** Starts `redis-server` on a free port; fails with the reason when it is not installed. */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `this test needs ${REDIS_SERVER} (apt-get install -y redis-server) for a Redis it may restart`,
    );
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    const started = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = started;
    await waitFor(
      () =>
        requireRedis(url).then(
          () => true,
          () => false,
        ),
      `redis-server to answer on port ${port}`,
    );
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url, port, stop, start };
}
