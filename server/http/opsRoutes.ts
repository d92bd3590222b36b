import type { Env, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { STATS_EVENT, STATS_PATH, type StatsSample } from '../../shared/stats.ts';
import type { Authorizer } from '../access/authorize.ts';
import type { Readiness } from '../health/Readiness.ts';
import type { PrometheusMetrics } from '../metrics/PrometheusMetrics.ts';
import type { StatsSampler } from '../metrics/StatsSampler.ts';
import { ApiError } from './errors.ts';
import { isOperator, requireOperator } from './operatorAccess.ts';

interface OpsDeps {
  /** Null with METRICS=false: `/metrics` answers 404. */
  metrics: PrometheusMetrics | null;
  readiness: Readiness;
  authorizer: Authorizer;
  /** The dashboard's samples; null with METRICS=false. */
  stats: StatsSampler | null;
  /** METRICS_TOKEN, or null. */
  metricsToken: string | null;
}

/** A dashboard that lost its stream retries after this long (the browser's default is 3 s). */
const RECONNECT_MS = 1000;

/**
 * The operator's endpoints: `/readyz` (open, like `/healthz`: probes carry no tokens; a
 * failure's detail for operators only), `/metrics` (admin or METRICS_TOKEN when auth is on)
 * and the dashboard's event stream (admin only: it names documents). Mounted before the
 * app's own routes.
 */
export function mountOpsRoutes<E extends Env>(app: Hono<E>, deps: OpsDeps): void {
  app.get('/readyz', async (c) => {
    const state = await deps.readiness.check();
    if (state.ready && state.degraded === undefined) return c.json({ status: 'ready' });
    // The detail is an error's own text (hosts, ports, database names): operators see it,
    // an anonymous probe sees the reason only. The log has it either way.
    const operator = await isOperator(c, deps.authorizer, deps.metricsToken);
    if (state.ready) {
      const { reason, detail } = state.degraded!;
      return c.json({ status: 'ready', degraded: reason, ...(operator && { detail }) });
    }
    return c.json(
      { status: 'not-ready', reason: state.reason, ...(operator && { detail: state.detail }) },
      503,
    );
  });

  app.get('/metrics', requireOperator(deps.authorizer, deps.metricsToken), async (c) => {
    if (deps.metrics === null) throw new ApiError(404, 'not_found', 'metrics are off (METRICS=false)');
    const { body, contentType } = await deps.metrics.scrape();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });

  // EventSource cannot send headers: the dashboard passes its token as ?token=.
  app.get(STATS_PATH, requireOperator(deps.authorizer, null), (c) => {
    const { stats } = deps;
    if (stats === null) throw new ApiError(404, 'not_found', 'metrics are off (METRICS=false)');
    // Sample ids are their times, so a dashboard reconnecting to a restarted server
    // still gets only samples newer than the last one it drew.
    const lastId = Number(c.req.header('last-event-id') ?? 0) || 0;
    return streamSSE(c, async (stream) => {
      const send = (sample: StatsSample) =>
        stream.writeSSE({ id: String(sample.at), event: STATS_EVENT, data: JSON.stringify(sample) });
      await stream.write(`retry: ${RECONNECT_MS}\n\n`);
      for (const sample of stats.since(lastId)) await send(sample);
      await new Promise<void>((resolve) => {
        const unsubscribe = stats.subscribe((sample) => void send(sample));
        stream.onAbort(() => {
          unsubscribe();
          resolve();
        });
      });
    });
  });
}
