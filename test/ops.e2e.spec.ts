import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { READ_MODEL_NAMES } from '@oars/readmodels';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';
import { until } from './support/until';
import { settled } from './support/settled';

/** An admin token that also reaches a tenant nobody ever wrote to. */
const WIDE_TOKEN = 'ops_e2e_wide_admin_token';
const API_TOKENS = JSON.stringify([
  {
    token: WIDE_TOKEN,
    tokenId: 'ops_wide',
    subject: 'ops_admin',
    role: 'admin',
    tenantIds: ['tenant_alpha', 'tenant_bravo', 'tenant_enterprise', 'tenant_empty'],
    scopes: ['actions:write', 'actions:read', 'alerts:read', 'events:read', 'auth_providers:read'],
  },
]);

const ALLOW = { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' };
const DENY = { toolId: 'database', operation: 'drop_database', target: 'db:prod' };
const APPROVE = { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' };
const FAIL = { toolId: 'jira', operation: 'delete_project', target: 'project:SEC' };

/** One sample's value from Prometheus text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (wanted.every((w) => (match[2] ?? '').includes(w))) return Number(match[3]);
  }
  return 0;
}

describe.each<StoreMode>(['embedded', 'jetstream'])('ops dashboard, security events and integrity over HTTP (%s)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime(mode, { OARS_API_TOKENS: API_TOKENS });
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const submit = async (tenantId: string, resource: Record<string, string>) => {
    const res = await http.post('/v1/actions', actionBody({ tenantId, resource }), ADMIN);
    expect(res.status).toBe(202);
    return res.body as { actionId: string; state: string };
  };

  it('answers exact counts for a known mix of actions, and refuses bad input', async () => {
    const mix = [ALLOW, DENY, ALLOW, APPROVE, FAIL, DENY, ALLOW];
    const answers: Array<{ actionId: string; state: string }> = [];
    for (const resource of mix) answers.push(await submit('tenant_alpha', resource));
    const count = (state: string) => answers.filter((a) => a.state === state).length;
    expect(count('executed')).toBe(3);
    expect(count('denied')).toBe(2);
    expect(count('approval_required')).toBe(1);
    // The denials' alerts open incidents after the requests answered: let them land first.
    await settled(runtime, ['tenant_alpha']);

    const res = await http.get('/v1/admin/ops/dashboard?tenantId=tenant_alpha', OPERATOR);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.tenantId).toBe('tenant_alpha');
    expect(d.actions).toEqual({
      total: 7,
      byState: { requested: 0, denied: 2, approval_required: 1, approved: 0, executed: 3, failed: count('failed'), quarantined: 0, canceled: 0 },
    });
    expect(d.decisions.byDecision).toEqual({ allow: 7 - 3, deny: 2, approve: 1, quarantine: 0 });
    expect(d.decisions.total).toBe(7);
    expect(d.decisions.lastHour.reduce((n: number, m: { counts: Record<string, number> }) => n + m.counts.allow + m.counts.deny + m.counts.approve, 0)).toBe(7);
    const alerts = await http.get('/v1/alerts?tenantId=tenant_alpha&limit=500', ADMIN);
    expect(d.alerts.total).toBe(alerts.body.items.length);
    expect(d.alerts.bySeverity.medium).toBe(alerts.body.items.filter((a: { severity: string }) => a.severity === 'medium').length);
    // key.generated and the two denials of a critical-risk operation.
    expect(d.securityEvents).toEqual({ last24h: 3, totalTracked: 3 });
    expect(d.securitySignals).toMatchObject({ deniedHighRisk: 2, integrityViolations: 0, authFailures: { last24h: 0 } });
    expect(d.securitySignals.policyDrift).toMatchObject({ decisions: 0, publishedPolicy: null, cache: { state: 'in_sync' } });
    expect(d.approvals).toEqual({ pending: 1 });
    expect(d.siem).toMatchObject({ targets: [], queueLength: 0 });
    expect(d.siem.notes).toMatch(/No SIEM targets/);
    expect(d.backups).toMatchObject({ backupCount: 0, drillCount: 0 });
    expect(JSON.stringify(d.backups)).not.toMatch(/\//);
    expect(d.workloadIdentity).toMatchObject({ enabled: false, verification: { successCount: 0, failureCount: 0 } });
    expect(d.projections.tenant.lagEvents).toBe(0);
    expect(d.projections.tenant.head).toBe((await runtime.store.head('tenant_alpha')).sequence);
    expect(d.goldenSignals.submitActions.count).toBe(7);
    expect(d.goldenSignals.decisions.count).toBe(7);
    expect(d.goldenSignals.scope).toBe('process');
    expect(d.integrity.verifier.state).toMatch(/OK|NOT_READY/);
    expect(d.slo.map((s: { id: string }) => s.id)).toEqual(['api_availability', 'policy_decision_latency', 'receipt_persistence', 'evidence_export']);

    expect((await http.get('/v1/admin/ops/dashboard', ADMIN)).body.error.code).toBe('validation_error');
    expect((await http.get('/v1/admin/ops/dashboard?tenantId=bad%20id!', ADMIN)).status).toBe(400);
    expect((await http.get('/v1/admin/ops/dashboard?tenantId=tenant_alpha&extra=1', ADMIN)).status).toBe(400);
    const unknown = await http.get('/v1/admin/ops/dashboard?tenantId=tenant_empty', WIDE_TOKEN);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ tenantId: 'tenant_empty', actions: { total: 0 }, alerts: { total: 0 }, decisions: { total: 0 } });
    expect((await http.get('/v1/admin/ops/dashboard?tenantId=tenant_alpha')).status).toBe(401);
  });

  it('refuses a cross-tenant dashboard with 403, counted as an auth failure and recorded as a security event of that tenant', async () => {
    await submit('tenant_enterprise', ALLOW);
    const before = sample((await http.get('/metrics')).body, 'oars_auth_failures_total', { code: 'tenant_forbidden' });
    const refused = await http.get('/v1/admin/ops/dashboard?tenantId=tenant_enterprise', OPERATOR);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('tenant_forbidden');
    const metrics = (await http.get('/metrics')).body as string;
    expect(sample(metrics, 'oars_auth_failures_total', { code: 'tenant_forbidden' })).toBe(before + 1);
    expect(sample(metrics, 'oars_auth_failure_security_events_total', { outcome: 'queued' })).toBeGreaterThanOrEqual(1);

    const events = await http.get('/v1/security-events?tenantId=tenant_enterprise', ADMIN);
    expect(events.status).toBe(200);
    const auth = events.body.items.filter((e: { source: string }) => e.source === 'auth');
    expect(auth).toHaveLength(1);
    expect(auth[0]).toMatchObject({
      tenantId: 'tenant_enterprise',
      source: 'auth',
      eventType: 'auth.tenant_forbidden',
      payload: { status: 403, code: 'tenant_forbidden', method: 'GET', route: '/v1/admin/ops/dashboard', tokenId: 'dev_operator', subject: 'operator_user' },
    });
    expect(auth[0].id).toMatch(/^evt_[0-9a-f]{32}$/);
    const d = (await http.get('/v1/admin/ops/dashboard?tenantId=tenant_enterprise', ADMIN)).body;
    expect(d.securitySignals.authFailures.last24h).toBe(1);
    expect(d.securityEvents).toEqual({ last24h: 2, totalTracked: 2 }); // keys.generated + the refusal
    expect(d.actions.total).toBe(1);

    // A tenant that does not exist gets no security event (a caller cannot fill the table with invented tenants).
    expect((await http.get('/v1/alerts?tenantId=tenant_nowhere', ADMIN)).status).toBe(403);
    await runtime.ops.security.flush();
    const { rows } = await runtime.sql.query<{ n: string }>("SELECT count(*) AS n FROM security_events WHERE tenant_id = 'tenant_nowhere'");
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('lists security events newest first with a cursor, and refuses a bad limit or cursor', async () => {
    // The first test's unauthenticated dashboard request named tenant_alpha: it is the newest event.
    const first = await http.get('/v1/security-events?tenantId=tenant_alpha&limit=2', AUDITOR);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { eventType: string }) => e.eventType)).toEqual(['auth.unauthorized', 'action.denied_high_risk']);
    expect(first.body.items[0]).toMatchObject({ source: 'auth', payload: { status: 401, tokenId: null, route: '/v1/admin/ops/dashboard' } });
    expect(first.body.items[1].payload).toMatchObject({ riskTier: 'critical', state: 'denied', operation: 'drop_database' });
    const second = await http.get(`/v1/security-events?tenantId=tenant_alpha&limit=2&cursor=${first.body.nextCursor}`, AUDITOR);
    expect(second.body.items.map((e: { eventType: string }) => e.eventType)).toEqual(['action.denied_high_risk', 'keys.generated']);
    expect(second.body.nextCursor).toBeNull();
    const all = await http.get('/v1/security-events?tenantId=tenant_alpha', AUDITOR);
    expect(all.body.items.map((e: { id: string }) => e.id)).toEqual([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id));

    for (const bad of ['limit=0', 'limit=501', 'limit=abc', 'cursor=zz!', `cursor=${Buffer.from('12:nope').toString('base64url')}`]) {
      const res = await http.get(`/v1/security-events?tenantId=tenant_alpha&${bad}`, AUDITOR);
      expect(res.status).toBe(400);
    }
    expect((await http.get('/v1/security-events?tenantId=tenant_alpha&cursor=zz!', AUDITOR)).body.error.code).toBe('invalid_cursor');
    expect((await http.get('/v1/security-events', AUDITOR)).status).toBe(400);
    expect((await http.get('/v1/security-events?tenantId=tenant_alpha', OPERATOR)).status).toBe(403); // no events:read
    expect((await http.get('/v1/security-events?tenantId=tenant_enterprise', AUDITOR)).status).toBe(403);
  });

  it('detects an event forged into the stream, records the finding as a receipt and shows it on the dashboard', async () => {
    await submit('tenant_bravo', ALLOW);
    await submit('tenant_bravo', DENY);
    const head = await runtime.store.head('tenant_bravo');
    const last = head.last!.data as unknown as Receipt;
    // A copy of the last receipt with another target at the next position: links correctly, but its
    // hash and signature no longer match its content.
    const forged: Receipt = {
      ...last,
      receiptId: `rcpt_forged${Date.now().toString(16)}`,
      sequence: head.sequence + 1,
      resource: last.resource ? { ...last.resource, target: 'prod:everything' } : { toolId: 'x', operation: 'y', target: 'prod:everything' },
      integrity: { ...last.integrity, prevEventHash: last.integrity.receiptHash },
    };
    await runtime.store.append('tenant_bravo', [{ id: forged.receiptId, type: forged.type, subject: head.last!.subject, data: forged as unknown as Record<string, unknown> }], { expectedVersion: head.sequence });
    await runtime.ops.integrity!.runOnce();

    const integrity = await http.get('/v1/admin/ops/integrity?tenantId=tenant_bravo', ADMIN);
    expect(integrity.status).toBe(200);
    expect(integrity.body.items[0]).toMatchObject({ tenantId: 'tenant_bravo', lastResult: 'violations', findingsTotal: 1, lastFinding: { sequence: forged.sequence, kind: 'bad_signature' } });
    expect(integrity.body.verifier.state).toBe('WARN');

    const d = await until('the finding in the read models', async () => {
      const body = (await http.get('/v1/admin/ops/dashboard?tenantId=tenant_bravo', ADMIN)).body;
      return body.securitySignals?.integrityViolations === 1 ? body : null;
    });
    expect(d.integrity.tenant).toMatchObject({ lastResult: 'violations', findingsTotal: 1, lastFinding: { kind: 'bad_signature', sequence: forged.sequence } });
    expect(d.integrity.tenant.position).toBeGreaterThanOrEqual(forged.sequence);
    expect(d.integrity.violationsRecorded).toBe(1);
    expect(d.integrity.verifier.state).toBe('WARN');

    const finding = (await runtime.store.read('tenant_bravo', { from: forged.sequence + 1 })).map((e) => e.data as unknown as Receipt).find((r) => r.type === 'integrity.violation_detected');
    expect(finding?.data).toMatchObject({ sequence: forged.sequence, kind: 'bad_signature' });
    const events = await http.get('/v1/security-events?tenantId=tenant_bravo', ADMIN);
    expect(events.body.items[0]).toMatchObject({ eventType: 'integrity.violation_detected', source: 'receipt', payload: { violationSequence: forged.sequence, kind: 'bad_signature' } });

    await runtime.ops.sampler.sample();
    const metrics = (await http.get('/metrics')).body as string;
    expect(sample(metrics, 'oars_integrity_failures_total', { kind: 'bad_signature' })).toBe(1);
    expect(sample(metrics, 'oars_integrity_violations_recorded')).toBe(1);
    // Every read model moves with the others here: each lags as much as the read side as a whole.
    const lag = runtime.ops.sampler.last()!.projector.lagEvents;
    for (const name of READ_MODEL_NAMES) expect(metrics).toMatch(new RegExp(`^oars_projection_lag_events\\{projection="${name}"\\} ${lag}$`, 'm'));
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.components.integrity.state).toBe('WARN');

    // The next pass checks the finding receipt itself (valid) and finds nothing new; the finding's
    // alert and its incident land first.
    await settled(runtime, ['tenant_bravo']);
    await runtime.ops.integrity!.runOnce();
    const again = (await http.get('/v1/admin/ops/integrity?tenantId=tenant_bravo', ADMIN)).body.items[0];
    expect(again).toMatchObject({ findingsTotal: 1, lagEvents: 0 });
    expect(again.position).toBe((await runtime.store.head('tenant_bravo')).sequence);
    expect(again.position).toBeGreaterThan(forged.sequence);
  });

  it('answers the mTLS status in the reference shape, for admins only', async () => {
    const res = await http.get('/v1/admin/security/mtls/status', ADMIN);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      enabled: false,
      enforceForRoles: ['service'],
      trustedIdentityCount: 0,
      attestationRequired: false,
      maxClockSkewSeconds: 300,
      verification: { successCount: 0, failureCount: 0, lastSuccessAt: null, lastFailureAt: null, lastFailureReason: null },
    });
    expect((await http.get('/v1/admin/security/mtls/status', AUDITOR)).status).toBe(403); // scope yes, role no
    expect((await http.get('/v1/admin/security/mtls/status', OPERATOR)).status).toBe(403);
  });
});

describe.each<StoreMode>(['embedded', 'jetstream'])('GET /v1/admin/ops/slo (%s)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime(mode);
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('reports each SLI with its target, budget and burn rates from the traffic served', async () => {
    // 8 API requests, none a 5xx; probes are not API traffic.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await http.post('/v1/actions', actionBody(), ADMIN)).body.actionId);
    for (const id of ids.slice(0, 2)) expect((await http.get(`/v1/actions/${id}`, ADMIN)).status).toBe(200);
    expect((await http.get('/v1/alerts?tenantId=tenant_zulu', ADMIN)).status).toBe(403);
    expect((await http.get('/v1/alerts', ADMIN)).status).toBe(400);
    await http.get('/health');
    await http.get('/metrics');

    const res = await http.get('/v1/admin/ops/slo', OPERATOR);
    expect(res.status).toBe(200);
    expect(res.body.period).toBe('30d');
    const by = Object.fromEntries(res.body.objectives.map((o: { id: string }) => [o.id, o]));
    expect(by.api_availability).toMatchObject({
      target: 0.9995,
      status: 'ok',
      sli: { good: 8, total: 8, ratio: 1 },
      errorBudget: { consumed: 0, remaining: 1 },
      burnRates: { '1h': 0, '6h': 0, '3d': 0 },
      windows: { '1h': { good: 8, total: 8 }, '30d': { good: 8, total: 8 } },
    });
    expect(by.api_availability.errorBudget.allowed).toBeCloseTo(8 * 0.0005, 6);
    expect(by.policy_decision_latency.target).toBe(0.95);
    expect(by.policy_decision_latency.sli.total).toBe(4);
    const head = (await runtime.store.head('tenant_alpha')).sequence;
    expect(by.receipt_persistence).toMatchObject({ target: 0.99999, status: 'ok', sli: { good: head, total: head, ratio: 1 }, errorBudget: { remaining: 1 } });
    expect(by.evidence_export).toMatchObject({ target: 0.999, status: 'no_data', sli: { good: 0, total: 0, ratio: null }, errorBudget: { remaining: null }, burnRates: { '1h': null, '6h': null, '3d': null } });
    expect(by.evidence_export.notes).toMatch(/No data/);

    const metrics = (await http.get('/metrics')).body as string;
    expect(sample(metrics, 'oars_decisions_total', { decision: 'allow' })).toBe(4);
    expect(sample(metrics, 'oars_policy_decision_duration_seconds_count', { decision: 'allow' })).toBe(4);
    expect(sample(metrics, 'oars_receipt_appends_total', { result: 'persisted' })).toBe(head);
    expect(sample(metrics, 'oars_slo_error_budget_remaining', { sli: 'receipt_persistence' })).toBe(1);

    // The minutes are flushed to the database: another instance (or this one restarted) sees them.
    await runtime.ops.slo.flush();
    const { rows } = await runtime.sql.query<{ good: string; total: string }>("SELECT sum(good) AS good, sum(total) AS total FROM slo_minutes WHERE sli = 'api_availability'");
    expect({ good: Number(rows[0]!.good), total: Number(rows[0]!.total) }).toEqual({ good: 9, total: 9 }); // + the GET /v1/admin/ops/slo above
  });
});
