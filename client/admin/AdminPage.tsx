import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { StatsSample } from '../../shared/stats.ts';
import { documentPath } from '../router.ts';
import { adminToken } from './adminToken.ts';
import { InstancesTable } from './InstancesTable.tsx';
import { followStats, type StreamState } from './statsStream.ts';
import { TimeChart } from './TimeChart.tsx';

/** Samples charted: five minutes at one a second. */
const WINDOW = 300;

const MiB = 1024 * 1024;

/** The columns of one chart: time, then each series. */
function columns(samples: StatsSample[], ...pick: ((s: StatsSample) => number | null)[]): uPlot.AlignedData {
  return [samples.map((s) => s.at / 1000), ...pick.map((f) => samples.map(f))];
}

const STATE_TEXT: Record<Exclude<StreamState['kind'], 'refused'>, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting… (the charts continue when the server is back)',
};

/** The operations dashboard at `/admin`: instances, live charts, busiest documents, refusals. */
export function AdminPage() {
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });

  useEffect(
    () =>
      followStats(
        adminToken(),
        (sample) =>
          setSamples((previous) => {
            // A replay after a reconnect may repeat what is already drawn.
            if (previous.length > 0 && sample.at <= previous.at(-1)!.at) return previous;
            return [...previous.slice(-(WINDOW - 1)), sample];
          }),
        setState,
      ),
    [],
  );

  const charts = useMemo(
    () => ({
      load: columns(
        samples,
        (s) => s.connections,
        (s) => s.documentsLoaded,
      ),
      traffic: columns(
        samples,
        (s) => s.updatesPerSecond,
        (s) => s.deliveriesPerSecond,
      ),
      latency: columns(
        samples,
        (s) => s.commitMs?.p50 ?? null,
        (s) => s.commitMs?.p99 ?? null,
        (s) => s.broadcastMs?.p50 ?? null,
        (s) => s.broadcastMs?.p99 ?? null,
      ),
      lag: columns(
        samples,
        (s) => s.eventLoopLagMs.p50,
        (s) => s.eventLoopLagMs.p99,
      ),
      memory: columns(
        samples,
        (s) => s.memory.rssBytes / MiB,
        (s) => s.memory.heapUsedBytes / MiB,
      ),
    }),
    [samples],
  );

  if (state.kind === 'refused') {
    return (
      <div className="page admin-page">
        <section className="admin-refused" role="alert" aria-labelledby="admin-refused-title">
          <h1 id="admin-refused-title">This dashboard needs an admin token</h1>
          <p>
            The server answered {state.status}: {state.message}
          </p>
          <p>
            Open the link printed by <code>npm run token -- --role admin</code>.
          </p>
        </section>
      </div>
    );
  }

  const latest = samples.at(-1);
  return (
    <div className="page admin-page">
      <header className="admin-header">
        <h1>Operations</h1>
        <p className={`admin-state admin-state-${state.kind}`} role="status" data-testid="admin-state">
          {STATE_TEXT[state.kind]}
        </p>
      </header>
      <dl className="admin-figures">
        <div>
          <dt>Connections</dt>
          <dd data-testid="admin-connections">{latest?.connections ?? '–'}</dd>
        </div>
        <div>
          <dt>Documents loaded</dt>
          <dd data-testid="admin-documents">{latest?.documentsLoaded ?? '–'}</dd>
        </div>
        <div>
          <dt>Updates/s</dt>
          <dd data-testid="admin-updates">{latest?.updatesPerSecond.toFixed(1) ?? '–'}</dd>
        </div>
      </dl>
      <InstancesTable instances={latest?.instances ?? []} />
      <div className="admin-charts">
        <TimeChart
          title="Connections and documents"
          series={[
            { label: 'connections', color: 'var(--accent)' },
            { label: 'documents', color: 'var(--ok)' },
          ]}
          data={charts.load}
        />
        <TimeChart
          title="Updates in and deliveries out"
          unit="per second"
          series={[
            { label: 'updates/s', color: 'var(--accent)' },
            { label: 'deliveries/s', color: 'var(--busy)' },
          ]}
          data={charts.traffic}
        />
        <TimeChart
          title="Commit and broadcast latency"
          unit="ms"
          series={[
            { label: 'commit p50', color: 'var(--ok)' },
            { label: 'commit p99', color: 'var(--busy)' },
            { label: 'broadcast p50', color: 'var(--accent)' },
            { label: 'broadcast p99', color: 'var(--offline)' },
          ]}
          data={charts.latency}
        />
        <TimeChart
          title="Event-loop lag"
          unit="ms"
          series={[
            { label: 'p50', color: 'var(--accent)' },
            { label: 'p99', color: 'var(--offline)' },
          ]}
          data={charts.lag}
        />
        <TimeChart
          title="Memory"
          unit="MiB"
          series={[
            { label: 'rss', color: 'var(--accent)' },
            { label: 'heap used', color: 'var(--ok)' },
          ]}
          data={charts.memory}
        />
      </div>
      <section aria-labelledby="admin-busiest">
        <h2 id="admin-busiest">Busiest documents</h2>
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Messages/s</th>
              <th scope="col">Connections</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {(latest?.documents ?? []).map((d) => (
              <tr key={d.name}>
                <td>
                  <a href={documentPath(d.name)}>{d.title || d.name}</a>
                </td>
                <td>{d.messagesPerSecond.toFixed(1)}</td>
                <td>{d.connections}</td>
                <td>{(d.bytes / 1024).toFixed(1)} KiB</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="admin-refused">
        <h2 id="admin-refused">Refused connections</h2>
        <ul className="admin-refusals">
          {Object.entries(latest?.refused ?? {}).map(([reason, count]) => (
            <li key={reason}>
              {reason}: {count}
            </li>
          ))}
          {Object.keys(latest?.refused ?? {}).length === 0 && <li>None since the server started.</li>}
        </ul>
      </section>
    </div>
  );
}
