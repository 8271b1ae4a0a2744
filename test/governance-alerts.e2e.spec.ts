import { randomBytes } from 'node:crypto';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import type { AlertRecord } from '@oars/domain';
import { JetStreamEventStore, PLATFORM_STREAM } from '@oars/eventstore';
import { receiptOf } from '@oars/ledger';
import { ALERT_PUBLISHER_REACTOR, type AlertMessage, alertSubject, alertSubscriptionSubject } from '@oars/ops';
import { type Receipt, computeReceiptHash } from '@oars/receipts';
import { ADMIN, actionBody } from './support/http';
import { type TestApp, startTestApp } from './support/test-app';
import type { StoreMode } from './support/test-runtime';
import { until } from './support/until';

const HIGH_RISK = { toolId: 'iam', operation: 'rotate_keys', target: 'staging' };

describe.each<StoreMode>(['embedded', 'jetstream'])('governance alerts (%s event store)', (mode) => {
  let t: TestApp;
  const published: AlertMessage[] = [];
  let nats: NatsConnection | null = null;

  beforeAll(async () => {
    t = await startTestApp(mode, {
      OARS_GOVERNANCE_EVAL_INTERVAL_MS: '300',
      OARS_AUTH_FAILURE_SPIKE_THRESHOLD: '5',
      OARS_APPROVAL_EXPIRY_SECONDS: '4',
    });
    if (t.runtime.store instanceof JetStreamEventStore) {
      nats = t.runtime.store.connection;
      nats.subscribe(alertSubscriptionSubject(t.config.subjectPrefix, t.config.region), { callback: (_err, msg: Msg) => void published.push(msg.json<AlertMessage>()) });
      await nats.flush();
    }
  }, 60_000);
  afterAll(async () => t?.close());

  /** The tenant's alerts of `code` in the read model, once there is one. */
  const alertOf = (tenantId: string, code: string, what = code) =>
    until(what, async () => {
      const res = await t.http.get(`/v1/alerts?tenantId=${tenantId}&limit=500`, ADMIN);
      return (res.body.items as AlertRecord[]).find((a) => a.code === code);
    }, 45_000);
  const streamAlerts = async (stream: string): Promise<AlertRecord[]> =>
    (await t.runtime.store.read(stream, { types: ['alert.raised'] })).map((e) => receiptOf(e).data.alert as AlertRecord);

  it('raises INTEGRITY_VIOLATION (critical, SEV1) when a forged receipt is appended straight to the store', async () => {
    expect((await t.http.post('/v1/actions', actionBody({ tenantId: 'tenant_alpha' }), ADMIN)).status).toBe(202);
    const head = await t.runtime.store.head('tenant_alpha');
    const last = receiptOf(head.last!);
    // Next in the chain and correctly hashed, but its data was changed after signing: the signature fails.
    const forged: Receipt = { ...last, receiptId: `rcpt_${randomBytes(16).toString('hex')}`, sequence: head.sequence + 1, data: { ...last.data, forged: true } };
    forged.integrity = { ...last.integrity, prevEventHash: last.integrity.receiptHash, prevReceiptHash: null };
    forged.integrity.receiptHash = computeReceiptHash(forged);
    await t.runtime.store.append('tenant_alpha', [{ id: forged.receiptId, type: forged.type, subject: head.last!.subject, data: forged as unknown as Record<string, unknown> }], { expectedVersion: head.sequence });

    const alert = await alertOf('tenant_alpha', 'INTEGRITY_VIOLATION', 'the integrity violation alert');
    expect(alert).toMatchObject({ tenantId: 'tenant_alpha', severity: 'critical', actionId: null, metadata: { target: 'receipt_chain', kind: 'bad_signature', sequence: forged.sequence } });
    // Found once, raised once.
    expect((await streamAlerts('tenant_alpha')).filter((a) => a.code === 'INTEGRITY_VIOLATION')).toHaveLength(1);
  }, 60_000);

  it('raises APPROVAL_SLA_BREACHED when a stage escalates and APPROVAL_EXPIRED when the approval expires', async () => {
    const stages = [{ name: 'Ops', mode: 'serial', requiredApprovals: 1, slaSeconds: 1, escalateTo: ['oncall'] }];
    expect((await t.http.post('/v1/admin/tenants/tenant_bravo/approval-workflow', { stages }, ADMIN)).status).toBeLessThan(300);
    const action = (await t.http.post('/v1/actions', actionBody({ tenantId: 'tenant_bravo', resource: HIGH_RISK }), ADMIN)).body;
    expect(action.state).toBe('approval_required');

    const breached = await alertOf('tenant_bravo', 'APPROVAL_SLA_BREACHED');
    expect(breached).toMatchObject({ severity: 'high', actionId: action.actionId, metadata: { approvalId: action.approvalId, stageName: 'Ops', escalateTo: ['oncall'], target: 'approval_stage:Ops' } });
    const expired = await alertOf('tenant_bravo', 'APPROVAL_EXPIRED');
    expect(expired).toMatchObject({ severity: 'medium', actionId: action.actionId, metadata: { approvalId: action.approvalId, target: 'approvals' } });
    const codes = (await streamAlerts('tenant_bravo')).map((a) => a.code);
    expect(codes.filter((c) => c === 'APPROVAL_SLA_BREACHED' || c === 'APPROVAL_EXPIRED').sort()).toEqual(['APPROVAL_EXPIRED', 'APPROVAL_SLA_BREACHED']);
  }, 60_000);

  it('raises POLICY_DRIFT for a decision recorded under another policy than the one in force, and none for a normal one', async () => {
    const rules = [{ id: 'ALLOW-ALL', description: 'allow', priority: 1, match: {}, decision: 'allow' }];
    const policy = (await t.http.post('/v1/policies', { tenantId: 'tenant_enterprise', version: 'v1', rules }, ADMIN)).body;
    expect((await t.http.post(`/v1/policies/${policy.id}/publish`, {}, ADMIN)).status).toBe(200);
    const normal = (await t.http.post('/v1/actions', actionBody({ tenantId: 'tenant_enterprise' }), ADMIN)).body;
    const inForce = receiptOf((await t.runtime.store.lastBySubject('tenant_enterprise', `action.${normal.actionId}`))!);
    // An instance deciding with a stale policy: the request carries another policy's hash.
    const actionId = `act_${randomBytes(16).toString('hex')}`;
    const stale = { ...inForce.policy!, policySetId: 'pol_stale', policyVersion: '0', policyHash: 'f'.repeat(64) };
    await t.runtime.writer.write('tenant_enterprise', () => ({
      drafts: [{
        receiptId: `rcpt_${randomBytes(16).toString('hex')}`, type: 'action.requested', subject: `action.${actionId}`, actionId,
        actor: inForce.actor, resource: inForce.resource, policy: stale, risk: inForce.risk, inputHash: inForce.inputHash, telemetry: null,
        data: { context: { requestedAt: new Date().toISOString() }, idempotencyRequestHash: null },
      }],
      finish: () => null,
    }));
    const drift = await alertOf('tenant_enterprise', 'POLICY_DRIFT', 'the policy drift alert');
    expect(drift).toMatchObject({
      severity: 'high',
      actionId,
      metadata: { decisionPolicy: { policySetId: 'pol_stale', policyHash: 'f'.repeat(64) }, policyInForce: { policySetId: policy.id, policyHash: inForce.policy!.policyHash } },
    });
    expect((await streamAlerts('tenant_enterprise')).filter((a) => a.code === 'POLICY_DRIFT').map((a) => a.actionId)).toEqual([actionId]);
  }, 60_000);

  it('raises AUTH_FAILURE_SPIKE when more bad tokens than the threshold name a tenant within the window', async () => {
    await until('tenant_enterprise in the read models', async () => (await t.http.get('/v1/admin/ops/dashboard?tenantId=tenant_enterprise', ADMIN)).status === 200);
    for (let i = 0; i < 8; i++) expect((await t.http.get('/v1/alerts?tenantId=tenant_enterprise', `bad_token_${i}_0123456789`)).status).toBe(401);
    const spike = await alertOf('tenant_enterprise', 'AUTH_FAILURE_SPIKE', 'the auth failure spike alert');
    expect(spike).toMatchObject({ severity: 'high', actionId: null, metadata: { target: 'authentication', threshold: 5, windowSeconds: 60, byCode: { unauthorized: expect.any(Number) } } });
    expect(spike.metadata.failures).toBeGreaterThan(5);
  }, 60_000);

  it('raises SLO_FAST_BURN in the platform stream when an SLO burns its budget over 1 h and 5 min', async () => {
    // Every instance adds its SLO minutes to slo_minutes; the evaluation reads them all.
    t.runtime.ops.slo.recordCounts('evidence_export', 0, 150);
    await t.runtime.ops.slo.flush();
    const burn = await until('the fast burn alert', async () => (await streamAlerts(PLATFORM_STREAM)).find((a) => a.code === 'SLO_FAST_BURN' && a.metadata.sli === 'evidence_export'), 45_000);
    expect(burn).toMatchObject({ tenantId: PLATFORM_STREAM, severity: 'critical', metadata: { target: 'evidence_export', factor: 14.4, windows: { '1h': { good: 0, total: 150 } } } });
    // Evaluated again and again (the timer re-arms after each): still one alert for the hour.
    const dueAt = async () => Date.parse(String((await t.runtime.sql.query<{ due_at: string }>("SELECT due_at FROM reactor_timers WHERE reactor = 'governance_signals'")).rows[0]?.due_at));
    const after = Date.parse(burn.createdAt);
    await until('two more evaluations', async () => (await dueAt()) > after + 3 * t.config.governanceEvalIntervalMs);
    expect((await streamAlerts(PLATFORM_STREAM)).filter((a) => a.code === 'SLO_FAST_BURN' && a.metadata.sli === 'evidence_export')).toHaveLength(1);
  }, 60_000);

  it('publishes every alert on NATS outside the tenant streams (JetStream), and nothing on the embedded store', async () => {
    if (!nats) {
      expect(t.runtime.reactors!.status(ALERT_PUBLISHER_REACTOR)).toBeNull();
      return;
    }
    const raised = await streamAlerts('tenant_alpha');
    const integrity = raised.find((a) => a.code === 'INTEGRITY_VIOLATION')!;
    const message = await until('the published integrity alert', () => published.find((m) => m.alert.id === integrity.id));
    expect(message).toMatchObject({ schema: 'oars.alert.v1', region: 'test', tenantId: 'tenant_alpha', incidentSeverity: 'SEV1', dedupKey: expect.stringMatching(/^oars-/), alert: integrity });
    const subject = alertSubject(t.config.subjectPrefix, t.config.region, 'tenant_alpha', 'critical');
    const jsm = await jetstreamManager(nats);
    await expect(jsm.streams.find(subject)).rejects.toThrow();
    await until('every alert published', () => raised.every((a) => published.some((m) => m.alert.id === a.id)));
    expect(published.some((m) => m.tenantId === PLATFORM_STREAM && m.alert.code === 'SLO_FAST_BURN')).toBe(true);
  }, 60_000);
});
