import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, TestHttp, actionBody } from './support/http';
import { createTestRuntime } from './support/test-runtime';

/** Reads one sample's value from the Prometheus text, or null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (wanted.every((w) => set.includes(w))) return Number(match[3]);
  }
  return null;
}

describe('GET /metrics (Prometheus)', () => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime('embedded');
    cleanup = t.cleanup;
    app = await createApp(t.runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('counts requests by route pattern, actions by state, errors and auth failures', async () => {
    const submitted = await http.post('/v1/actions', actionBody(), ADMIN);
    expect(submitted.status).toBe(202);
    await http.get(`/v1/actions/${submitted.body.actionId}`, ADMIN);
    expect((await http.post('/v1/actions', actionBody())).status).toBe(401);
    expect((await http.post('/v1/actions', actionBody({ tenantId: 'tenant_zulu' }), ADMIN)).status).toBe(403);

    const res = await http.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = res.body as string;
    expect(sample(text, 'oars_http_requests_total', { method: 'POST', route: '/v1/actions', status: '202' })).toBe(1);
    expect(sample(text, 'oars_http_requests_total', { method: 'GET', route: '/v1/actions/:actionId', status: '200' })).toBe(1);
    expect(sample(text, 'oars_http_request_duration_seconds_count', { method: 'POST', route: '/v1/actions' })).toBe(3);
    expect(sample(text, 'oars_actions_total', { state: 'executed' })).toBe(1);
    expect(sample(text, 'oars_auth_failures_total', { code: 'unauthorized' })).toBe(1);
    expect(sample(text, 'oars_auth_failures_total', { code: 'tenant_forbidden' })).toBe(1);
    expect(sample(text, 'oars_http_errors_total', { status: '4xx', code: 'unauthorized' })).toBe(1);
    expect(sample(text, 'oars_append_queue_depth')).toBe(0);
    expect(sample(text, 'oars_projector_lag_events')).not.toBeNull();
    // Read-your-writes: the GET above waited for the projector, so the action's 3 receipts are counted.
    expect(sample(text, 'oars_projector_apply_delay_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'oars_projector_apply_delay_seconds_bucket', { le: '+Inf' })).toBe(sample(text, 'oars_projector_apply_delay_seconds_count'));
    expect(sample(text, 'oars_process_nodejs_eventloop_lag_seconds')).not.toBeNull();
    // Route patterns only: no action id ever becomes a label value.
    expect(text).not.toContain(submitted.body.actionId);
  });
});

describe('GET /v1/alerts', () => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime('embedded');
    cleanup = t.cleanup;
    app = await createApp(t.runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('lists the alerts the lifecycle raised, newest first, pages with a cursor, and refuses bad input', async () => {
    const denied = await http.post('/v1/actions', actionBody({ resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' } }), ADMIN);
    const failed = await http.post('/v1/actions', actionBody({ resource: { toolId: 'jira', operation: 'delete_project', target: 'project:SEC' } }), ADMIN);
    expect(denied.body.state).toBe('denied');
    expect(failed.body.state).toBe('failed'); // allowed (low risk) but the jira connector has no such operation
    const executed = await http.post('/v1/actions', actionBody(), ADMIN);
    expect(executed.body.state).toBe('executed'); // low risk: no alert

    const first = await http.get('/v1/alerts?tenantId=tenant_alpha&limit=1', ADMIN);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ code: 'EXECUTION_FAILED', severity: 'medium', tenantId: 'tenant_alpha', actionId: failed.body.actionId });
    const second = await http.get(`/v1/alerts?tenantId=tenant_alpha&limit=1&cursor=${first.body.nextCursor}`, ADMIN);
    expect(second.body.items[0]).toMatchObject({ code: 'POLICY_DENIED', actionId: denied.body.actionId, message: 'Action denied by policy.' });
    expect(second.body.nextCursor).toBeNull();

    expect((await http.get('/v1/alerts?tenantId=tenant_alpha&severity=medium', ADMIN)).body.items).toHaveLength(2);
    expect((await http.get('/v1/alerts?tenantId=tenant_alpha&limit=501', ADMIN)).status).toBe(400);
    expect((await http.get('/v1/alerts?tenantId=tenant_alpha&cursor=zz!', ADMIN)).status).toBe(400);
    expect((await http.get('/v1/alerts', ADMIN)).status).toBe(400);
    expect((await http.get('/v1/alerts?tenantId=tenant_zulu', ADMIN)).status).toBe(403);
  });
});
