import type { InstanceRow } from '../../shared/stats.ts';

const MiB = 1024 * 1024;

const ms = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} ms`);

/** One row per live instance: with several behind a balancer, which one is in trouble. */
export function InstancesTable({ instances }: { instances: InstanceRow[] }) {
  return (
    <section className="admin-instances" aria-labelledby="admin-instances">
      <h2 id="admin-instances">Instances</h2>
      <table className="admin-table" data-testid="admin-instances">
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">State</th>
            <th scope="col">Connections</th>
            <th scope="col">Documents</th>
            <th scope="col">Updates/s</th>
            <th scope="col">Deliveries/s</th>
            <th scope="col">Commit p99</th>
            <th scope="col">Loop lag p99</th>
            <th scope="col">Memory</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((row) => (
            <tr key={row.id} data-instance={row.id}>
              <th scope="row">{row.id}</th>
              <td className={row.ready ? 'admin-ready' : 'admin-not-ready'}>
                {row.ready ? 'ready' : 'not ready'}
              </td>
              <td>{row.connections}</td>
              <td>{row.documentsLoaded}</td>
              <td>{row.updatesPerSecond.toFixed(1)}</td>
              <td>{row.deliveriesPerSecond.toFixed(1)}</td>
              <td>{ms(row.commitP99Ms)}</td>
              <td>{ms(row.eventLoopLagP99Ms)}</td>
              <td>{(row.rssBytes / MiB).toFixed(0)} MiB</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
