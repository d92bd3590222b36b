/**
 * `npm run bench`: every workload against Inkwell, Hocuspocus and the y-websocket reference
 * server, one server at a time on this machine, then a table, the targets, JSON and a chart
 * in bench/results/. See docs/PERFORMANCE.md for the method.
 *
 *   npm run bench                                  full run (writes bench/results/)
 *   npm run bench -- --only fan-out,hot-room      some workloads (prints only)
 *   npm run bench -- --servers inkwell            some servers (prints only)
 *   npm run bench -- --servers inkwell,inkwell-postgres   SQLite beside PostgreSQL
 *   npm run bench -- --only fan-out,hot-room --servers inkwell,inkwell-metrics-off
 *                                                 the cost of metrics (METRICS=false)
 *   npm run bench -- --only hot-room --servers inkwell-versions-off,inkwell-versions-busy
 *                                                 the cost of automatic versions
 *   npm run bench -- --repeat 1 --seconds 5        quicker, noisier (prints only)
 *
 * Two more, only when named (they need PostgreSQL and redis-server, and take longer):
 *   npm run bench -- --only scale-out             Inkwell and Hocuspocus (Redis extension) on
 *                                                 one instance and on two: latency, CPU,
 *                                                 Redis calls per update, kill -9 losses
 *   npm run bench -- --only capacity --minutes 10 one Inkwell: 10,000 clients on 1,000
 *                                                 documents, 1,000 typing 5 updates/s
 *                                                 (--clients, --documents, --typists to scale)
 *                                                 (--servers inkwell,y-websocket-server,hocuspocus:
 *                                                 the same load on the peers)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { boundTarget, ratioTarget, renderChart, bestPeer, type Panel, type TargetCheck } from './report.ts';
import { capacity, type CapacityResult } from './capacity.ts';
import { SCALE_OUT_KINDS, type ClusterKind } from './deployments.ts';
import { clusterDurability, type ClusterDurabilityResult } from './scaleOut.ts';
import { inkwell, OPTIONAL_SERVER_KINDS, SERVER_KINDS, type ServerKind } from './servers.ts';
import {
  coldLoad,
  connectStorm,
  durability,
  idle,
  medianOfRuns,
  streaming,
  type ColdLoadResult,
  type ConnectStormResult,
  type DurabilityResult,
  type IdleResult,
  type StreamingResult,
  type StreamingSpec,
} from './workloads.ts';

const WORKLOADS = [
  'fan-out',
  'many-rooms',
  'hot-room',
  'connect-storm',
  'cold-load',
  'durability',
  'idle',
] as const;
/** Run only when `--only` names them. */
const NAMED_WORKLOADS = ['scale-out', 'capacity'] as const;
type Workload = (typeof WORKLOADS)[number] | (typeof NAMED_WORKLOADS)[number];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    servers: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '10' },
    clients: { type: 'string', default: '10000' },
    documents: { type: 'string', default: '1000' },
    typists: { type: 'string', default: '1000' },
  },
});
const only = new Set((args.only?.split(',') ?? WORKLOADS) as Workload[]);
for (const name of only) {
  if (![...WORKLOADS, ...NAMED_WORKLOADS].includes(name)) throw new Error(`unknown workload ${name}`);
}
const kinds = args.servers
  ? [...SERVER_KINDS, ...OPTIONAL_SERVER_KINDS].filter((k) => args.servers!.split(',').includes(k.name))
  : SERVER_KINDS;
const seconds = Number(args.seconds);
const repeat = Number(args.repeat);
const fullRun = !args.only && !args.servers && seconds === 10 && repeat >= 3;

type PerServer<T> = Record<string, T>;
const results: {
  fanOut: PerServer<StreamingResult>;
  manyRooms: PerServer<StreamingResult>;
  hotRoom: PerServer<StreamingResult>;
  connectStorm: PerServer<ConnectStormResult>;
  coldLoad: PerServer<ColdLoadResult>;
  durability: PerServer<DurabilityResult>;
  idle: PerServer<IdleResult>;
  scaleOutHotRoom: PerServer<StreamingResult>;
  scaleOutManyRooms: PerServer<StreamingResult>;
  scaleOutDurability: PerServer<ClusterDurabilityResult>;
  capacity: PerServer<CapacityResult>;
} = {
  fanOut: {},
  manyRooms: {},
  hotRoom: {},
  connectStorm: {},
  coldLoad: {},
  durability: {},
  idle: {},
  scaleOutHotRoom: {},
  scaleOutManyRooms: {},
  scaleOutDurability: {},
  capacity: {},
};

/**
 * Runs a workload against each server, `repeat` rounds with the servers interleaved (so that
 * drift in the machine's load hits all of them alike), and keeps `combine` of each server's runs.
 */
async function each<T, K extends ServerKind | ClusterKind = ServerKind>(
  workload: Workload,
  into: PerServer<T>,
  run: (kind: K) => Promise<T>,
  repeat = 1,
  combine: (runs: T[]) => T = (runs) => runs[0]!,
  over: readonly K[] = kinds as unknown as readonly K[],
) {
  if (!only.has(workload)) return;
  const runs: Record<string, T[]> = {};
  for (let round = 1; round <= repeat; round++) {
    for (const kind of over) {
      process.stdout.write(`${workload}${repeat > 1 ? ` (${round}/${repeat})` : ''} · ${kind.name} … `);
      const started = performance.now();
      try {
        (runs[kind.name] ??= []).push(await run(kind));
        process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        process.stdout.write(`failed: ${(error as Error).message}\n`);
      }
    }
  }
  for (const [name, list] of Object.entries(runs)) if (list.length > 0) into[name] = combine(list);
  if (Object.keys(into).length > 0) console.table(flatten(into));
}

/** One row per server with nested objects spread into columns, for console.table. */
function flatten<T>(perServer: PerServer<T>): Record<string, Record<string, unknown>> {
  const rows: Record<string, Record<string, unknown>> = {};
  for (const [server, result] of Object.entries(perServer)) {
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(result as object)) {
      if (value && typeof value === 'object') {
        for (const [inner, v] of Object.entries(value)) row[`${key}.${inner}`] = v;
      } else row[key] = value;
    }
    rows[server] = row;
  }
  return rows;
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Inkwell benchmark: ${machine}; servers and load generator share this machine.\n`);
const runStarted = performance.now();

// Streaming runs vary by ±15% in CPU and more in p99 from one run to the next on a shared
// 2-core machine: each is run `repeat` times and the median kept (with the range).
const eachStreaming = (
  workload: Workload,
  into: PerServer<StreamingResult>,
  spec: Omit<StreamingSpec, 'seconds'>,
) => each(workload, into, (kind) => streaming(kind, { ...spec, seconds }), repeat, medianOfRuns);
await eachStreaming('fan-out', results.fanOut, { rooms: 1, readersPerRoom: 1000, updatesPerSecond: 50 });
await eachStreaming('many-rooms', results.manyRooms, { rooms: 300, readersPerRoom: 5, updatesPerSecond: 5 });
await eachStreaming('hot-room', results.hotRoom, { rooms: 1, readersPerRoom: 50, updatesPerSecond: 1000 });
await each('connect-storm', results.connectStorm, (kind) =>
  connectStorm(kind, { documents: 100, clients: 2000, updatesPerDocument: 200 }),
);
await each('cold-load', results.coldLoad, (kind) => coldLoad(kind));
await each('durability', results.durability, (kind) => durability(kind));
await each('idle', results.idle, (kind) => idle(kind, 10_000, 1_000));

// Scale-out: the same streaming workloads on one instance and on two behind Redis, each
// room's readers split over the instances (the writer on the first), then a crash.
const scaleOutKinds = args.servers
  ? SCALE_OUT_KINDS.filter((k) => args.servers!.split(',').includes(k.name))
  : SCALE_OUT_KINDS;
const eachScaleOut = (into: PerServer<StreamingResult>, spec: Omit<StreamingSpec, 'seconds'>) =>
  each<StreamingResult, ClusterKind>(
    'scale-out',
    into,
    (kind) => streaming(kind, { ...spec, seconds }),
    repeat,
    medianOfRuns,
    scaleOutKinds,
  );
await eachScaleOut(results.scaleOutHotRoom, { rooms: 1, readersPerRoom: 50, updatesPerSecond: 1000 });
await eachScaleOut(results.scaleOutManyRooms, { rooms: 300, readersPerRoom: 5, updatesPerSecond: 5 });
await each<ClusterDurabilityResult, ClusterKind>(
  'scale-out',
  results.scaleOutDurability,
  (kind) => clusterDurability(kind),
  1,
  undefined,
  scaleOutKinds.filter((kind) => kind.instances > 1),
);
await each(
  'capacity',
  results.capacity,
  (kind) =>
    capacity(kind, {
      clients: Number(args.clients),
      documents: Number(args.documents),
      typists: Number(args.typists),
      updatesPerSecond: 5,
      minutes: Number(args.minutes),
    }),
  1,
  undefined,
  // Inkwell alone unless `--servers` names others: the same load on a peer shows how much of
  // the latency is the machine (sockets, load generator) rather than the server.
  args.servers ? kinds : [inkwell],
);

const pick = <T>(perServer: PerServer<T>, value: (result: T) => number): Record<string, number> =>
  Object.fromEntries(Object.entries(perServer).map(([server, result]) => [server, value(result)]));
/** A run that lost deliveries does not get to count as fast. */
const ifComplete = (r: StreamingResult, value: number) => (r.delivered === r.expected ? value : NaN);

const targets: TargetCheck[] = [];
const streamingTargets = (name: string, perServer: PerServer<StreamingResult>, latency: boolean) => {
  const inkwell = perServer.inkwell;
  if (!inkwell) return;
  targets.push(
    boundTarget(
      `${name}: every update delivered`,
      inkwell.delivered / inkwell.expected,
      inkwell.delivered === inkwell.expected,
    ),
  );
  if (latency)
    targets.push(
      ratioTarget(
        `${name}: p99 latency ≤ 0.5× best peer`,
        pick(perServer, (r) => ifComplete(r, r.p99Ms)),
        0.5,
      ),
    );
  targets.push(
    ratioTarget(
      `${name}: CPU per delivered message ≤ 0.7× best peer`,
      pick(perServer, (r) => ifComplete(r, r.cpuMicrosPerDelivered)),
      0.7,
    ),
  );
};
streamingTargets('fan-out', results.fanOut, true);
streamingTargets('hot room', results.hotRoom, true);
streamingTargets('many rooms', results.manyRooms, false);
const cold = results.coldLoad.inkwell;
if (cold) {
  targets.push(
    boundTarget(
      'cold load: first sync ≤ 50 ms with the whole document',
      cold.firstSync.ms,
      cold.firstSync.ms <= 50 && cold.firstSync.whole,
      bestPeer(pick(results.coldLoad, (r) => (r.firstSync.whole ? r.firstSync.ms : NaN))),
    ),
  );
}
const crash = results.durability.inkwell;
if (crash)
  targets.push(
    boundTarget(
      'durability: 0 broadcast edits lost to kill -9',
      crash.lost,
      crash.lost === 0 && crash.broadcast > 0,
    ),
  );
const idleRun = results.idle.inkwell;
if (idleRun) {
  targets.push(
    boundTarget(
      'idle: ≤ 10 KB per connection',
      idleRun.kbPerConnection,
      idleRun.kbPerConnection <= 10,
      bestPeer(pick(results.idle, (r) => r.kbPerConnection)),
    ),
  );
}
const storm = results.connectStorm.inkwell;
if (storm) {
  targets.push(
    boundTarget(
      'connect storm: all 2,000 synced in ≤ 2 s',
      storm.allSyncedMs,
      storm.allSyncedMs <= 2000 && storm.complete === storm.clients,
      bestPeer(pick(results.connectStorm, (r) => (r.complete === r.clients ? r.allSyncedMs : NaN))),
    ),
  );
}
const addedP50 = (perServer: PerServer<StreamingResult>, server: string) => {
  const one = perServer[`${server}-x1`];
  const two = perServer[`${server}-x2`];
  return one && two ? round2(two.p50Ms - one.p50Ms) : NaN;
};
const round2 = (value: number) => +value.toFixed(2);
for (const [name, perServer] of [
  ['hot room', results.scaleOutHotRoom],
  ['300 rooms', results.scaleOutManyRooms],
] as const) {
  const two = perServer['inkwell-redis-x2'];
  if (!two) continue;
  const added = addedP50(perServer, 'inkwell-redis');
  targets.push(boundTarget(`scale-out ${name}: ≤ 1 ms added at p50 on two instances`, added, added <= 1));
  targets.push(
    boundTarget(
      `scale-out ${name}: ≤ 1 Redis publish per update on two instances`,
      two.redisPublishesPerUpdate,
      two.redisPublishesPerUpdate <= 1 && two.delivered === two.expected,
      bestPeer(pick(perServer, (r) => ifComplete(r, r.redisPublishesPerUpdate))),
    ),
  );
}
const crashTwo = results.scaleOutDurability['inkwell-redis-x2'];
if (crashTwo)
  targets.push(
    boundTarget(
      'scale-out: 0 broadcast edits lost to kill -9 of one of two instances',
      crashTwo.lost,
      crashTwo.lost === 0 && crashTwo.broadcast > 0,
    ),
  );
const headline = results.capacity.inkwell;
if (headline)
  targets.push(
    boundTarget(
      `capacity: delivery p99 ≤ 50 ms (${headline.clients} clients, ${headline.typists} typing)`,
      headline.p99Ms,
      headline.p99Ms <= 50 && headline.delivered === headline.expected,
    ),
  );
console.log('\nTargets');
console.table(targets.map((t) => ({ ...t, met: t.met ? 'yes' : 'NO' })));
const totalSeconds = Math.round((performance.now() - runStarted) / 1000);
console.log(`\nWhole run: ${totalSeconds} s`);

if (fullRun) {
  const streamingPanel = (
    title: string,
    perServer: PerServer<StreamingResult>,
    measure: 'p99Ms' | 'cpuMicrosPerDelivered',
  ): Panel => ({
    title,
    unit: measure === 'p99Ms' ? 'ms' : 'µs',
    values: pick(perServer, (r) => ifComplete(r, r[measure])),
  });
  const panels: Panel[] = [
    streamingPanel('Fan-out 1→1,000: p99 latency', results.fanOut, 'p99Ms'),
    streamingPanel('Fan-out: server CPU per delivery', results.fanOut, 'cpuMicrosPerDelivered'),
    streamingPanel('Hot room 1,000 upd/s: p99 latency', results.hotRoom, 'p99Ms'),
    streamingPanel('Hot room: server CPU per delivery', results.hotRoom, 'cpuMicrosPerDelivered'),
    streamingPanel('300 rooms: server CPU per delivery', results.manyRooms, 'cpuMicrosPerDelivered'),
    streamingPanel('300 rooms: p99 latency', results.manyRooms, 'p99Ms'),
    {
      title: 'Connect storm: 2,000 clients synced',
      unit: 'ms',
      values: pick(results.connectStorm, (r) => (r.complete === r.clients ? r.allSyncedMs : NaN)),
    },
    {
      title: 'Cold load: first sync, whole document',
      unit: 'ms',
      values: pick(results.coldLoad, (r) => (r.firstSync.whole ? r.firstSync.ms : NaN)),
    },
    {
      title: 'kill -9: broadcast edits lost',
      unit: 'edits',
      values: pick(results.durability, (r) => r.lost),
    },
    {
      title: 'Idle: memory per connection',
      unit: 'KB',
      values: pick(results.idle, (r) => r.kbPerConnection),
    },
  ];
  const subtitle = `One run on ${machine}; servers and load generator share the machine. "did not finish" = lost deliveries or incomplete sync.`;
  const dir = path.join('bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'peers.json'),
    JSON.stringify({ ranAt: new Date().toISOString(), machine, totalSeconds, targets, results }, null, 2) +
      '\n',
  );
  fs.writeFileSync(path.join(dir, 'peers.svg'), renderChart(panels, subtitle));
  console.log(`Wrote ${dir}/peers.json and ${dir}/peers.svg`);
}
