import { type AlertDeliveryRecord, type AlertRecord, type IncidentSnapshot, incidentDedupKey, incidentSubjectOf } from '@oars/domain';
import { aggregateDraft, handleCommand, randomId } from '@oars/ledger';
import { type CapturedRequest, HttpCaptureServer } from '@oars/testing';
import { AUDITOR, OPERATOR, actionBody } from './support/http';
import { metricSample } from './support/prometheus';
import { type TestApp, startTestApp } from './support/test-app';
import type { StoreMode } from './support/test-runtime';
import { until } from './support/until';

/**
 * Alert routing and delivery over HTTP, on both event stores: real alerts (a denied action raises
 * POLICY_DENIED) delivered to local receivers standing in for Slack, PagerDuty and webhooks, with
 * the exact v1 bodies; retries with stable dedup keys; a receiver down and back; dead letters and
 * replay; PagerDuty acknowledge / resolve from incident receipts; routing rule writes; and requests
 * that never wait on a receiver. Each scenario has its own tenant, rules and receivers.
 */

const ADMIN = 'alerting_e2e_admin_token';
const V1_ADMIN = 'alerting_e2e_v1_admin_token';
const T = { payloads: 'al_payloads', outage: 'al_outage', dead: 'al_dead', incident: 'al_incident', rules: 'al_rules', hang: 'al_hang' };
const ADMIN_SCOPES = ['actions:write', 'actions:read', 'receipts:read', 'alerts:read', 'alerts:write', 'events:read'];
const TOKENS = JSON.stringify([
  { token: ADMIN, tokenId: 'alerting_admin', subject: 'alerting_admin', role: 'admin', tenantIds: Object.values(T), scopes: ADMIN_SCOPES },
  // An admin token as OARS v1 issued them: alert routing writes took alerts:read there.
  { token: V1_ADMIN, tokenId: 'alerting_v1_admin', subject: 'v1_admin', role: 'admin', tenantIds: Object.values(T), scopes: ['actions:write', 'alerts:read'] },
]);
const DENIED = { resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' } };
const isAlertTrigger = (r: CapturedRequest) => r.body.includes('"alertId"');
/** A webhook body that is an AlertRecord (not an incident notice). */
const isAlertRecord = (r: CapturedRequest) => r.body.startsWith('{"id":"alrt_');

describe.each<StoreMode>(['embedded', 'jetstream'])('alert routing and delivery (%s event store)', (mode) => {
  let t: TestApp;
  let main: HttpCaptureServer;
  let outage: HttpCaptureServer;
  let dead: HttpCaptureServer;
  let hang: HttpCaptureServer;

  beforeAll(async () => {
    [main, outage, dead, hang] = await Promise.all([HttpCaptureServer.start(), HttpCaptureServer.start(), HttpCaptureServer.start(), HttpCaptureServer.start()]);
    const channels = [
      { id: 'slack_secops', type: 'slack_webhook', url: main.url('/slack') },
      { id: 'pagerduty', type: 'pagerduty_events_v2', routingKey: 'rk_main' },
      { id: 'webhook_ops', type: 'generic_webhook', url: main.url('/hook'), headers: { 'X-Team': 'secops' } },
      { id: 'outage_hook', type: 'generic_webhook', url: outage.url('/hook') },
      { id: 'dead_end', type: 'generic_webhook', url: dead.url('/hook'), breakerFailures: 0 },
      { id: 'hang_hook', type: 'generic_webhook', url: hang.url('/hook') },
    ];
    t = await startTestApp(mode, {
      OARS_API_TOKENS: TOKENS,
      OARS_ALERT_CHANNELS: JSON.stringify(channels),
      OARS_PAGERDUTY_EVENTS_URL: main.url('/pd'),
      OARS_ALERT_ALLOW_PRIVATE_NETWORK: 'true',
      OARS_ALERT_MAX_ATTEMPTS: '3',
      OARS_ALERT_BACKOFF_MS: '50',
      OARS_ALERT_MAX_BACKOFF_MS: '400',
      OARS_ALERT_BREAKER_FAILURES: '2',
      OARS_ALERT_BREAKER_COOLDOWN_MS: '200',
      OARS_ALERT_TIMEOUT_MS: '1500',
    });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([main, outage, dead, hang].map((s) => s?.close()));
  });

  const route = (tenantId: string, severity: string, channels: unknown, escalationMinutes: unknown = 30, token = ADMIN) =>
    t.http.post('/v1/admin/ops/alert-routing', { tenantId, severity, channels, escalationMinutes }, token);
  const deny = async (tenantId: string) => {
    const res = await t.http.post('/v1/actions', actionBody({ ...DENIED, tenantId }), ADMIN);
    expect([res.status, res.body.state]).toEqual([202, 'denied']);
    return res.body.actionId as string;
  };
  const alertOf = async (tenantId: string, actionId: string): Promise<AlertRecord> =>
    until(`the alert of ${actionId}`, async () => ((await t.http.get(`/v1/alerts?tenantId=${tenantId}&limit=500`, ADMIN)).body.items as AlertRecord[]).find((a) => a.actionId === actionId));
  const deliveries = async (tenantId: string, query = ''): Promise<AlertDeliveryRecord[]> => (await t.http.get(`/v1/admin/ops/alert-deliveries?tenantId=${tenantId}&limit=500${query}`, ADMIN)).body.items;
  const deliveriesOf = async (tenantId: string, alertId: string) => (await deliveries(tenantId)).filter((d) => d.alertId === alertId);
  const settled = (tenantId: string, alertId: string, count: number, status = 'delivered') =>
    until(`${count} ${status} deliveries of ${alertId}`, async () => {
      const found = await deliveriesOf(tenantId, alertId);
      return found.length === count && found.every((d) => d.status === status) && found;
    });
  const head = async (tenantId: string) => (await t.runtime.store.head(tenantId)).sequence;

  it('delivers a real alert with the exact v1 Slack, PagerDuty and webhook bodies; PagerDuty retries carry one dedup key', async () => {
    expect((await route(T.payloads, 'medium', ['slack_secops', 'pagerduty', 'webhook_ops'])).status).toBe(200);
    main.failNext('/pd', 2, { match: isAlertTrigger });
    const actionId = await deny(T.payloads);
    const alert = await alertOf(T.payloads, actionId);
    expect(alert).toMatchObject({ code: 'POLICY_DENIED', severity: 'medium', message: 'Action denied by policy.', metadata: { operation: 'drop_database', toolId: 'database' } });
    const delivered = await settled(T.payloads, alert.id, 3);

    const slack = main.received('/slack').filter((r) => r.body.includes(actionId));
    expect(slack.map((r) => [r.body, r.headers['content-type'], r.status])).toEqual([
      [`{"text":"[MEDIUM] POLICY_DENIED - Action denied by policy.\\ntenant=${T.payloads} action=${actionId}"}`, 'application/json', 200],
    ]);
    const pd = main.received('/pd').filter((r) => isAlertTrigger(r) && r.body.includes(alert.id));
    const pdBody = JSON.stringify({
      routing_key: 'rk_main', event_action: 'trigger', dedup_key: incidentDedupKey(alert),
      payload: { summary: '[MEDIUM] POLICY_DENIED - Action denied by policy.', source: 'oars-platform', severity: 'warning', custom_details: { alertId: alert.id, tenantId: T.payloads, actionId, code: 'POLICY_DENIED', metadata: alert.metadata } },
    });
    expect(pd.map((r) => [r.body, r.status])).toEqual([[pdBody, 503], [pdBody, 503], [pdBody, 200]]);
    const webhookDelivery = delivered.find((d) => d.channelId === 'webhook_ops')!;
    const hook = main.received('/hook').filter((r) => r.body.includes(alert.id));
    const { id, tenantId, severity, code, message, createdAt, metadata } = alert;
    const record = JSON.stringify({ id, tenantId, actionId, severity, code, message, createdAt, metadata }); // v1's key order
    expect(hook.map((r) => [r.body, r.headers['content-type'], r.headers['x-team'], r.headers['idempotency-key']])).toEqual([[record, 'application/json', 'secops', webhookDelivery.deliveryId]]);

    expect(delivered.find((d) => d.channelId === 'pagerduty')).toMatchObject({ kind: 'trigger', dedupKey: incidentDedupKey(alert), attempts: 3, lastStatusCode: 200, channelType: 'pagerduty_events_v2' });
    const receipts = (await t.runtime.store.read(T.payloads, { limit: 10_000 })).map((e) => e.data as { type: string; data: { delivery?: AlertDeliveryRecord } });
    const ofAlert = receipts.filter((r) => r.data.delivery?.alertId === alert.id).map((r) => `${r.type}:${r.data.delivery!.channelId}`);
    expect(ofAlert.filter((r) => r.startsWith('alert.delivery_requested')).sort()).toEqual(['alert.delivery_requested:pagerduty', 'alert.delivery_requested:slack_secops', 'alert.delivery_requested:webhook_ops']);
    expect(ofAlert.filter((r) => r === 'alert.delivery_failed:pagerduty')).toHaveLength(2);
    expect(ofAlert.filter((r) => r.startsWith('alert.delivered')).sort()).toEqual(['alert.delivered:pagerduty', 'alert.delivered:slack_secops', 'alert.delivered:webhook_ops']);
    const metrics = (await t.http.get('/metrics')).body as string;
    expect(metricSample(metrics, 'oars_alert_deliveries_total', { channel: 'webhook_ops', outcome: 'delivered' })).toBeGreaterThanOrEqual(1);
  });

  it('holds deliveries while a receiver refuses connections, and delivers every alert once it is back', async () => {
    expect((await route(T.outage, 'medium', ['outage_hook'])).status).toBe(200);
    await outage.down('refused');
    const actionIds = [await deny(T.outage), await deny(T.outage), await deny(T.outage), await deny(T.outage)];
    const alerts = await Promise.all(actionIds.map((id) => alertOf(T.outage, id)));
    await until('the outage_hook breaker to open', async () => metricSample((await t.http.get('/metrics')).body, 'oars_alert_channel_circuit_open', { channel: 'outage_hook' }) === 1);
    await until('every delivery to be held or retrying', async () => (await deliveries(T.outage)).filter((d) => d.kind === 'trigger' && (d.status === 'pending' || d.status === 'failed')).length === alerts.length);
    await outage.up();
    for (const alert of alerts) await settled(T.outage, alert.id, 1);
    const received = outage.received('/hook').filter((r) => r.status === 200 && isAlertRecord(r)).map((r) => (JSON.parse(r.body) as AlertRecord).id);
    expect(new Set(received)).toEqual(new Set(alerts.map((a) => a.id)));
    expect(await deliveries(T.outage, '&status=dead')).toEqual([]);
  });

  it('dead-letters a delivery after its tries and one to an unconfigured channel; a replay delivers it', async () => {
    expect((await route(T.dead, 'medium', ['dead_end', 'nowhere'])).status).toBe(200);
    dead.respond('/hook', 503);
    const alert = await alertOf(T.dead, await deny(T.dead));
    const letters = await settled(T.dead, alert.id, 2, 'dead');
    const dropped = letters.find((d) => d.channelId === 'dead_end')!;
    expect(dropped).toMatchObject({ attempts: 3, lastStatusCode: 503, lastError: expect.stringMatching(/^HTTP 503/), nextAttemptAt: null });
    expect(letters.find((d) => d.channelId === 'nowhere')).toMatchObject({ channelType: 'unknown', attempts: 0, lastError: 'Channel not configured.' });
    expect(dead.received('/hook').filter((r) => r.body.includes(alert.id)).map((r) => r.status)).toEqual([503, 503, 503]);
    expect((await deliveries(T.dead, '&status=dead')).filter((d) => d.alertId === alert.id).map((d) => d.deliveryId).sort()).toEqual(letters.map((d) => d.deliveryId).sort());

    const replay = (deliveryId: string, token = ADMIN, body: unknown = {}) => t.http.post(`/v1/admin/ops/alert-deliveries/${deliveryId}/replay`, body, token);
    expect((await replay(dropped.deliveryId, OPERATOR)).status).toBe(403);
    expect((await replay(dropped.deliveryId, V1_ADMIN)).body.error).toMatchObject({ code: 'forbidden', message: 'Missing required scope: alerts:write' });
    expect((await t.http.request('POST', '/v1/admin/ops/alert-deliveries/dlv_00000000000000000000000000000000/replay', { token: ADMIN })).status).toBe(404);
    expect((await replay(dropped.deliveryId, ADMIN, { tenantId: 'tenant_alpha' })).body.error.code).toBe('tenant_forbidden');
    dead.respond('/hook', null);
    const replayed = await replay(dropped.deliveryId);
    expect([replayed.status, replayed.body.status, replayed.body.replays, replayed.body.attempts]).toEqual([202, 'pending', 1, 0]);
    await until('the replayed delivery', async () => (await deliveriesOf(T.dead, alert.id)).find((d) => d.deliveryId === dropped.deliveryId)?.status === 'delivered');
    const sent = dead.received('/hook').filter((r) => r.body.includes(alert.id));
    expect(sent.map((r) => [r.status, r.headers['idempotency-key']])).toEqual([...Array(3).fill([503, dropped.deliveryId]), [200, dropped.deliveryId]]);
    expect((await replay(dropped.deliveryId, ADMIN, { tenantId: T.dead })).body.error.code).toBe('alert_delivery_not_replayable');
  });

  it('sends PagerDuty acknowledge and resolve of the incident dedup key, and an escalation to its channels', async () => {
    const alert = await alertOf(T.incident, await deny(T.incident));
    const incidentId = `inc_e2e_${mode}`;
    const snapshot = (status: IncidentSnapshot['status'], escalationLevel = 0): IncidentSnapshot => ({
      incidentId, tenantId: T.incident, severity: 'SEV1', status, dedupKey: incidentDedupKey(alert), code: alert.code, target: 'db:prod', alertSeverity: 'critical',
      summary: alert.message, alertIds: [alert.id], count: 1, openedAt: alert.createdAt, ackDueAt: alert.createdAt, acknowledgedAt: null, acknowledgedBy: null, escalationLevel,
    });
    const append = (type: string, data: Record<string, unknown>) =>
      handleCommand(t.runtime, {
        tenantId: T.incident,
        subjects: [incidentSubjectOf(incidentId)],
        load: async () => null,
        decide: () => [type],
        drafts: () => [aggregateDraft(randomId('rcpt'), type, incidentSubjectOf(incidentId), { ...data, actor: 'e2e' })],
        answer: () => undefined,
      });
    const pdAction = (action: string) => until(`PagerDuty ${action}`, () => main.received('/pd').find((r) => r.status === 200 && r.body.includes(`"event_action":"${action}"`) && r.body.includes(incidentDedupKey(alert))));

    await append('incident.acknowledged', { incident: snapshot('acknowledged') });
    expect((await pdAction('acknowledge')).body).toBe(JSON.stringify({ routing_key: 'rk_main', event_action: 'acknowledge', dedup_key: incidentDedupKey(alert) }));
    await append('incident.escalated', { incident: snapshot('open', 2), notify: { level: 2, oncallUserIds: [], channelIds: ['slack_secops', 'webhook_ops'] }, reason: 'ack_target_missed', fallback: false });
    const slack = await until('the escalation on Slack', () => main.received('/slack').find((r) => r.body.includes(`incident=${incidentId}`)));
    expect(JSON.parse(slack.body).text).toBe(`[SEV1] ESCALATED (level 2) POLICY_DENIED - Action denied by policy.\ntenant=${T.incident} incident=${incidentId}`);
    const hook = await until('the escalation on the webhook', () => main.received('/hook').find((r) => r.body.includes(incidentId)));
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'incident.escalated', dedupKey: incidentDedupKey(alert), incident: { incidentId, severity: 'SEV1', escalationLevel: 2 } });
    await append('incident.resolved', { incident: snapshot('resolved'), resolution: 'fixed' });
    expect((await pdAction('resolve')).body).toBe(JSON.stringify({ routing_key: 'rk_main', event_action: 'resolve', dedup_key: incidentDedupKey(alert) }));
    const ofIncident = await until('the incident deliveries', async () => {
      const found = (await deliveries(T.incident)).filter((d) => d.incidentId === incidentId);
      return found.length === 4 && found.every((d) => d.status === 'delivered') && found;
    });
    expect(ofIncident.map((d) => `${d.kind}:${d.channelId}`).sort()).toEqual(['acknowledge:pagerduty', 'escalate:slack_secops', 'escalate:webhook_ops', 'resolve:pagerduty']);
  });

  it('lets admins with alerts:write change routing rules, reads them with alerts:read, and refuses bad input naming the field', async () => {
    const defaults = await t.http.get('/v1/admin/ops/alert-routing?tenantId=tenant_alpha', OPERATOR);
    expect(defaults.status).toBe(200);
    expect(defaults.body.items.map((r: { severity: string; channels: string[]; escalationMinutes: number; updatedBy: string }) => [r.severity, r.channels, r.escalationMinutes, r.updatedBy])).toEqual([
      ['low', ['slack_secops'], 60, 'system_default'],
      ['medium', ['slack_secops'], 60, 'system_default'],
      ['high', ['slack_secops'], 15, 'system_default'],
      ['critical', ['pagerduty', 'slack_secops'], 5, 'system_default'],
    ]);
    for (const token of [OPERATOR, AUDITOR, V1_ADMIN]) {
      const res = await route(token === V1_ADMIN ? T.rules : 'tenant_alpha', 'high', ['webhook_ops'], 30, token);
      expect({ token, status: res.status, code: res.body.error.code }).toEqual({ token, status: 403, code: 'forbidden' });
    }
    const set = await route(T.rules, 'high', ['webhook_ops', 'slack_secops'], 30);
    expect([set.status, set.body]).toEqual([200, { id: expect.stringMatching(/^route_[0-9a-f]{32}$/), tenantId: T.rules, severity: 'high', channels: ['webhook_ops', 'slack_secops'], escalationMinutes: 30, updatedAt: expect.any(String), updatedBy: 'alerting_admin' }]);
    const after = await head(T.rules);
    const stored = (await t.runtime.store.read(T.rules, { limit: 100 })).map((e) => e.data as { type: string; data: unknown });
    expect(stored.filter((r) => r.type === 'alert.routing_configured').map((r) => r.data)).toEqual([{ rule: set.body, actor: 'alerting_admin' }]);
    expect((await route(T.rules, 'high', ['webhook_ops', 'slack_secops'], 30)).body).toEqual(set.body);
    expect(await head(T.rules)).toBe(after);
    const listed = await t.http.get(`/v1/admin/ops/alert-routing?tenantId=${T.rules}`, ADMIN);
    expect(listed.body.items.map((r: { severity: string; updatedBy: string }) => `${r.severity}:${r.updatedBy}`)).toEqual(['low:system_default', 'medium:system_default', 'high:alerting_admin', 'critical:system_default']);

    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ severity: 'urgent' }, 'severity'],
      [{ channels: [] }, 'channels'],
      [{ channels: ['slack_secops', 'bad id'] }, 'channels[1]'],
      [{ channels: ['<script>alert(1)</script>'] }, 'channels[0]'],
      [{ channels: ['slack\u0000secops'] }, 'channels[0]'],
      [{ escalationMinutes: 0 }, 'escalationMinutes'],
      [{ escalationMinutes: 1441 }, 'escalationMinutes'],
      [{ escalationMinutes: '5' }, 'escalationMinutes'],
      [{ tenantId: 'tenant alpha' }, 'tenantId'],
      [{ extra: true }, 'extra'],
    ];
    for (const [change, field] of refusals) {
      const res = await t.http.post('/v1/admin/ops/alert-routing', { tenantId: T.rules, severity: 'low', channels: ['slack_secops'], escalationMinutes: 10, ...change }, ADMIN);
      expect({ field, status: res.status, code: res.body.error.code, first: res.body.error.details?.[0]?.field }).toEqual({ field, status: 400, code: 'validation_error', first: field });
      expect(res.body.error.message).toContain(field);
    }
    expect((await route('tenant_alpha', 'low', ['slack_secops'])).body.error.code).toBe('tenant_forbidden');
    expect(await head(T.rules)).toBe(after);
  });

  it('answers the request that raised an alert without waiting on a receiver that hangs', async () => {
    expect((await route(T.hang, 'medium', ['hang_hook'])).status).toBe(200);
    hang.hang();
    const first = await deny(T.hang);
    const alert = await alertOf(T.hang, first);
    await until('the delivery to be in flight', () => hang.pending > 0);
    // While the receiver holds the delivery open, more actions are answered, and it is not delivered.
    const more = [await deny(T.hang), await deny(T.hang)];
    expect((await deliveriesOf(T.hang, alert.id)).map((d) => d.status)).not.toContain('delivered');
    await hang.up();
    for (const actionId of [first, ...more]) await settled(T.hang, (await alertOf(T.hang, actionId)).id, 1);
  });
});
