/**
 * The servers under test, each started in its own process on 127.0.0.1 with its own data
 * directory, so that its CPU time and memory can be read from /proc without the load
 * generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabase } from './benchDatabase.ts';
import { FullGcHeap } from './fullGcHeap.ts';
import { ensureServerBuild, SERVER_BUNDLE } from '../scripts/serverBuild.ts';
import type { WireFlavor } from './wire.ts';
import { freePort } from '../tests/helpers/freePort.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` on Linux
const PAGE_SIZE = 4096;

export interface ServerKind {
  name: string;
  flavor: WireFlavor;
  /** How to start it: arguments to `node`, environment, and the WebSocket address of a document. */
  command(port: number, dataDir: string): { args: string[]; env: Record<string, string> };
  /** Runs once before each start (Inkwell: compile the server if stale, as `npm start` does). */
  prepare?(): Promise<void>;
  documentUrl(port: number, doc: string): string;
  /** Readies its storage for a data directory before each start (none needed by default). */
  prepareStorage?(dataDir: string): Promise<void>;
}

/**
 * Inkwell with its limits lifted: the load generator is one trusted client on 127.0.0.1
 * opening thousands of sockets, which production limits (per IP, per socket rate) would
 * rightly refuse. Everything else, persistence included, is the default.
 */
export const inkwell: ServerKind = {
  name: 'inkwell',
  flavor: 'y-websocket',
  prepare: () => ensureServerBuild(() => {}),
  command: (port, dataDir) => ({
    // The compiled server, exactly as `npm start` runs it.
    args: [SERVER_BUNDLE],
    env: {
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      MAX_CONNECTIONS: '1000000',
      MAX_CONNECTIONS_PER_IP: '1000000',
      MAX_MESSAGES_PER_SECOND: '1000000',
      MAX_MESSAGE_BURST: '1000000',
    },
  }),
  documentUrl: (port, doc) => `ws://127.0.0.1:${port}/sync/${doc}`,
};

/** `@hocuspocus/server` with `@hocuspocus/extension-sqlite`, defaults otherwise. */
export const hocuspocus: ServerKind = {
  name: 'hocuspocus',
  flavor: 'hocuspocus',
  command: (port, dataDir) => ({
    args: ['--import', 'tsx', path.join(ROOT, 'bench', 'peers', 'hocuspocus.ts')],
    env: { PORT: String(port), DATA_DIR: dataDir },
  }),
  documentUrl: (port) => `ws://127.0.0.1:${port}`,
};

/** The reference server's own executable, persisting to leveldb through YPERSISTENCE. */
const yWebsocketServer: ServerKind = {
  name: 'y-websocket-server',
  flavor: 'y-websocket',
  command: (port, dataDir) => ({
    args: [path.join(ROOT, 'node_modules', '@y', 'websocket-server', 'src', 'server.js')],
    env: { PORT: String(port), HOST: '127.0.0.1', YPERSISTENCE: path.join(dataDir, 'leveldb') },
  }),
  documentUrl: (port, doc) => `ws://127.0.0.1:${port}/${doc}`,
};

/**
 * Inkwell on PostgreSQL (`DATABASE_URL`, else the local server), otherwise as `inkwell`: each
 * data directory gets its own schema (a restart on the same directory finds its documents) in
 * a database this process creates and drops when it ends. Only with `--servers`.
 */
export const inkwellPostgres: ServerKind = {
  ...inkwell,
  name: 'inkwell-postgres',
  command: (port, dataDir) => {
    const { args, env } = inkwell.command(port, dataDir);
    return { args, env: { ...env, DATABASE_URL: benchDatabase.urlFor(dataDir) } };
  },
  prepareStorage: (dataDir) => benchDatabase.prepare(dataDir),
};

export const SERVER_KINDS: readonly ServerKind[] = [inkwell, hocuspocus, yWebsocketServer];
/** Every kind `--servers` can name: the peers, and Inkwell's other storage. */
export const ALL_SERVER_KINDS: readonly ServerKind[] = [...SERVER_KINDS, inkwellPostgres];

/**
 * Inkwell with METRICS=false: the cost of metrics is the difference from `inkwell` in one
 * run (`--servers inkwell,inkwell-metrics-off`). Only run when asked for by name.
 */
const inkwellWithoutMetrics: ServerKind = {
  ...inkwell,
  name: 'inkwell-metrics-off',
  command: (port, dataDir) => {
    const { args, env } = inkwell.command(port, dataDir);
    return { args, env: { ...env, METRICS: 'false' } };
  },
};

/** `inkwell` with its settings changed by `env`, under another name. */
const inkwellWith = (name: string, env: Record<string, string>): ServerKind => ({
  ...inkwell,
  name,
  command: (port, dataDir) => {
    const command = inkwell.command(port, dataDir);
    return { args: command.args, env: { ...command.env, ...env } };
  },
});

/**
 * Automatic versions off (AUTO_VERSIONS=false) and taken as often as the settings allow (every
 * second of quiet, at least every 5 s): the cost of versioning per delivery is the difference
 * (`--servers inkwell-versions-off,inkwell-versions-busy`; plain `inkwell` rarely takes one
 * within a run, its quiet time being 2 minutes).
 */
const inkwellWithoutVersions = inkwellWith('inkwell-versions-off', { AUTO_VERSIONS: 'false' });
const inkwellBusyVersions = inkwellWith('inkwell-versions-busy', {
  VERSION_QUIET_MS: '1000',
  VERSION_MAX_INTERVAL_MS: '5000',
});

/** Servers run only when `--servers` names them. */
export const OPTIONAL_SERVER_KINDS: readonly ServerKind[] = [
  inkwellWithoutMetrics,
  inkwellWithoutVersions,
  inkwellBusyVersions,
];

export interface ProcessStats {
  /** User + system CPU time since the process started. */
  cpuSeconds: number;
  rssBytes: number;
  /** The process's peak resident set size (VmHWM). */
  peakRssBytes: number;
}

export function readProcessStats(pid: number): ProcessStats {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND,
    rssBytes: rssPages * PAGE_SIZE,
    peakRssBytes: hwmKb * 1024,
  };
}

export interface StartOptions {
  /** Run with `--trace-gc` and collect the live heap after each full collection (a few lines a second on stdout). */
  traceGc?: boolean;
}

export class RunningServer {
  readonly kind: ServerKind;
  readonly port: number;
  readonly dataDir: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private output = '';
  /** With `traceGc`: the live heap after each full collection. */
  readonly fullGcHeap: FullGcHeap | null;

  private constructor(kind: ServerKind, port: number, dataDir: string, options: StartOptions) {
    this.kind = kind;
    this.port = port;
    this.dataDir = dataDir;
    const { args, env } = kind.command(port, dataDir);
    // BENCH_PROFILE_DIR=dir writes a V8 CPU profile per server process (see bench/profile.ts).
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    if (options.traceGc) nodeFlags.push('--trace-gc');
    this.fullGcHeap = options.traceGc ? new FullGcHeap() : null;
    this.child = spawn(process.execPath, [...nodeFlags, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.fullGcHeap?.feed(chunk.toString());
      keep(chunk);
    });
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Starts a server on a free port; `dataDir` defaults to a new empty directory. */
  static async start(kind: ServerKind, dataDir?: string, options: StartOptions = {}): Promise<RunningServer> {
    await kind.prepare?.();
    const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `inkwell-bench-${kind.name}-`));
    await kind.prepareStorage?.(dir);
    const server = new RunningServer(kind, await freePort(), dir, options);
    await server.waitUntilAccepting();
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  documentUrl(doc: string): string {
    return this.kind.documentUrl(this.port, doc);
  }

  stats(): ProcessStats {
    return readProcessStats(this.pid);
  }

  /** Waits (at most a minute) until the process has used no CPU for a whole second. */
  async waitUntilIdle(): Promise<void> {
    const deadline = Date.now() + 60_000;
    let last = this.stats().cpuSeconds;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const now = this.stats().cpuSeconds;
      if (now - last < 0.02) return;
      last = now;
    }
  }

  /** SIGTERM, as an operator's restart would send, then waits for the exit. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: a crash, a power cut, the OOM killer. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  removeData(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async waitUntilAccepting(): Promise<void> {
    const deadline = Date.now() + 30_000;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      if (await canConnect(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${this.kind.name} did not start:\n${this.output}`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
