/**
 * The benchmark's own Redis: a private `redis-server` child on a free port, so that
 * `INFO commandstats` counts only the servers under test (the machine's shared Redis serves
 * other work too). Nothing is saved to disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../tests/helpers/freePort.ts';

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** Calls per command (lower case), as `INFO commandstats` reports them. */
export type CommandCounts = Map<string, number>;

export class BenchRedis {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly client: Redis,
  ) {}

  static async start(): Promise<BenchRedis> {
    const port = await freePort();
    const child = spawn(
      REDIS_SERVER,
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      // A fresh client per attempt: a failed ioredis connect would otherwise keep retrying.
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => {});
      try {
        await client.connect();
        return new BenchRedis(port, child, client);
      } catch (error) {
        client.disconnect();
        if (Date.now() > deadline || child.exitCode !== null) {
          child.kill('SIGKILL');
          throw new Error(`redis-server did not start on ${port}: ${String(error)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Every command's calls so far (this connection's own INFO calls are left out). */
  async commandCounts(): Promise<CommandCounts> {
    const info = await this.client.info('commandstats');
    const counts: CommandCounts = new Map();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (match[1] !== 'info') counts.set(match[1]!, Number(match[2]));
    }
    return counts;
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Calls made between two readings, per command, most called first. */
export function commandsBetween(before: CommandCounts, after: CommandCounts): [string, number][] {
  return [...after]
    .map(([command, calls]) => [command, calls - (before.get(command) ?? 0)] as [string, number])
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[1] - a[1]);
}
