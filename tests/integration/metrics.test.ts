import { afterEach, describe, expect, it } from 'vitest';
import { Role, TokenRole } from '../../shared/access.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { parsePrometheusText, sampleValue, type MetricFamily } from '../helpers/prometheusText.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

const SECRET = 'metrics-test-secret-that-is-long-enough';
const METRICS_TOKEN = 'scrape-token-0123456789';
let server: TestServer;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await server.close();
});

async function scrape(headers: Record<string, string> = {}): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`${server.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const value = async (name: string, labels: Record<string, string> = {}, headers = {}) =>
  sampleValue(await scrape(headers), name, labels);

describe('GET /metrics', () => {
  it('parses as Prometheus text with the process metrics and every Inkwell family', async () => {
    server = await startTestServer();
    const families = await scrape();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'inkwell_connections',
      'inkwell_documents_loaded',
      'inkwell_ready',
      'inkwell_messages_received_total',
      'inkwell_messages_sent_total',
      'inkwell_received_bytes_total',
      'inkwell_sent_bytes_total',
      'inkwell_updates_committed_total',
      'inkwell_commit_duration_seconds',
      'inkwell_broadcast_delay_seconds',
      'inkwell_broadcast_fanout',
      'inkwell_connections_refused_total',
      'inkwell_token_failures_total',
      'inkwell_server_closes_total',
      'inkwell_rate_limited_closes_total',
      'inkwell_slow_reader_closes_total',
      'inkwell_compactions_total',
      'inkwell_compaction_duration_seconds',
      'inkwell_storage_errors_total',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
    // No per-document labels: cardinality stays bounded whatever the documents.
    for (const family of families.values()) {
      for (const sample of family.samples) expect(Object.keys(sample.labels)).not.toContain('doc');
    }
  });

  it('a scripted workload moves the numbers: 3 clients, 10 updates, their broadcasts', async () => {
    server = await startTestServer();
    clients = [0, 1, 2].map(() => connectClient(server.syncUrl, 'counted'));
    await Promise.all(clients.map((c) => c.firstSync));
    await waitFor(async () => (await value('inkwell_connections')) === 3, 'three connections counted');
    expect(await value('inkwell_documents_loaded')).toBe(1);
    expect(await value('inkwell_ready')).toBe(1);
    const before = await scrape();
    const writer = clients[0]!;
    for (let i = 0; i < 10; i++) writer.doc.getText('text').insert(0, String(i));
    await waitForConvergence(clients);
    await waitFor(
      async () =>
        (await value('inkwell_updates_committed_total')) ===
        sampleValue(before, 'inkwell_updates_committed_total') + 10,
      'ten updates committed',
    );
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('inkwell_broadcast_delay_seconds_count')).toBe(10);
    expect(delta('inkwell_commit_duration_seconds_count')).toBe(10);
    expect(delta('inkwell_messages_received_total', { kind: 'sync-update' })).toBe(10);
    // Every broadcast reaches all three sockets, the writer's too (its save indicator).
    expect(delta('inkwell_messages_sent_total', { kind: 'sync-update' })).toBeGreaterThanOrEqual(3);
    expect(delta('inkwell_received_bytes_total')).toBeGreaterThan(0);
    expect(delta('inkwell_sent_bytes_total')).toBeGreaterThan(0);
  });

  it('counts a frame over the size limit under its close code', async () => {
    server = await startTestServer({ maxMessageBytes: 1024 });
    const before = await value('inkwell_server_closes_total', { code: String(CloseCode.MessageTooBig) });
    const raw = openRawSocket(`${server.syncUrl}/big`);
    await raw.opened;
    raw.ws.send(new Uint8Array(1500));
    expect((await raw.closed).code).toBe(CloseCode.MessageTooBig);
    expect(await value('inkwell_server_closes_total', { code: String(CloseCode.MessageTooBig) })).toBe(
      before + 1,
    );
  });

  it('answers 404 with METRICS=false', async () => {
    server = await startTestServer({ metrics: false });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});

describe('metrics and roles with auth on', () => {
  const token = (role: TokenRole, doc = '*') => signToken(SECRET, { sub: 'ops', doc, role }, 600);

  it('needs an admin token or METRICS_TOKEN', async () => {
    server = await startTestServer({ authSecret: SECRET, metricsToken: METRICS_TOKEN });
    const status = async (headers: Record<string, string>) =>
      (await fetch(`${server.url}/metrics`, { headers })).status;
    expect(await status({})).toBe(401);
    expect(await status({ authorization: 'Bearer wrong-token-0123456789' })).toBe(401);
    expect(await status({ authorization: `Bearer ${await token(Role.Write)}` })).toBe(403);
    expect(await status({ authorization: `Bearer ${await token(TokenRole.Admin)}` })).toBe(200);
    expect(await status({ authorization: `Bearer ${METRICS_TOKEN}` })).toBe(200);
  });

  it('counts a refused token by close code and reason', async () => {
    server = await startTestServer({ authSecret: SECRET });
    const admin = { authorization: `Bearer ${await token(TokenRole.Admin)}` };
    const refused = { code: String(CloseCode.Unauthorized) };
    const invalid = { reason: 'invalid-token' };
    const refusedBefore = await value('inkwell_connections_refused_total', refused, admin);
    const invalidBefore = await value('inkwell_token_failures_total', invalid, admin);
    const raw = openRawSocket(`${server.syncUrl}/doc?token=not.a.jwt`);
    expect((await raw.closed).code).toBe(CloseCode.Unauthorized);
    expect(await value('inkwell_connections_refused_total', refused, admin)).toBe(refusedBefore + 1);
    expect(await value('inkwell_token_failures_total', invalid, admin)).toBe(invalidBefore + 1);
  });

  it('an admin token opens no document and lists none', async () => {
    server = await startTestServer({ authSecret: SECRET });
    const admin = await token(TokenRole.Admin);
    const raw = openRawSocket(`${server.syncUrl}/doc?token=${admin}`);
    expect((await raw.closed).code).toBe(CloseCode.Forbidden);
    const created = await fetch(`${server.url}/api/docs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(Role.Write)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    const list = await fetch(`${server.url}/api/docs`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await list.json()) as { documents: unknown[] }).documents).toEqual([]);
    const create = await fetch(`${server.url}/api/docs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(create.status).toBe(403);
  });
});

describe('GET /readyz', () => {
  it('is 200 while the server can take edits', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });
});
