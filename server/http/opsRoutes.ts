import type { Env, Hono } from 'hono';
import type { Authorizer } from '../access/authorize.ts';
import type { Readiness } from '../health/Readiness.ts';
import type { PrometheusMetrics } from '../metrics/PrometheusMetrics.ts';
import { ApiError } from './errors.ts';
import { requireOperator } from './operatorAccess.ts';

interface OpsDeps {
  /** Null with METRICS=false: `/metrics` answers 404. */
  metrics: PrometheusMetrics | null;
  readiness: Readiness;
  authorizer: Authorizer;
  /** METRICS_TOKEN, or null. */
  metricsToken: string | null;
}

/**
 * The operator's endpoints: `/readyz` (open, like `/healthz`: probes carry no tokens) and
 * `/metrics` (admin or METRICS_TOKEN when auth is on). Mounted before the app's own routes.
 */
export function mountOpsRoutes<E extends Env>(app: Hono<E>, deps: OpsDeps): void {
  app.get('/readyz', async (c) => {
    const state = await deps.readiness.check();
    if (state.ready) return c.json({ status: 'ready' });
    return c.json({ status: 'not-ready', reason: state.reason, detail: state.detail }, 503);
  });

  app.get('/metrics', requireOperator(deps.authorizer, deps.metricsToken), async (c) => {
    if (deps.metrics === null) throw new ApiError(404, 'not_found', 'metrics are off (METRICS=false)');
    const { body, contentType } = await deps.metrics.scrape();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
}
