import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertRecord } from '@oars/domain';
import { alertReceiptDraft } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { ADMIN, AUDITOR, OPERATOR, type TestHttp, actionBody } from './support/http';
import { startTestApp } from './support/test-app';
import type { StoreMode } from './support/test-runtime';
import { until } from './support/until';

/**
 * On-call, incidents and incident command over HTTP. Targets are tiny where a test waits for a
 * timer: SEV1 escalates after 1 s, SEV2 needs a status update every second; the rest are an hour,
 * so nothing else fires while the specs run.
 */
const ENV = {
  OARS_INCIDENT_ACK_TARGETS: '{"SEV1":1,"SEV2":3600,"SEV3":3600}',
  OARS_INCIDENT_UPDATE_INTERVALS: '{"SEV1":3600,"SEV2":1,"SEV3":3600}',
};
const ALPHA = 'tenant_alpha';
const BRAVO = 'tenant_bravo';
const ENTERPRISE = 'tenant_enterprise';
const HOUR = 3_600_000;

interface TimelineEntry {
  type: string;
  details: Record<string, any>;
}

describe.each<StoreMode>(['embedded', 'jetstream'])('on-call, incidents and incident command (%s)', (mode) => {
  let http: TestHttp;
  let runtime: Runtime;
  let close: () => Promise<void>;
  let archive: string;

  beforeAll(async () => {
    archive = mkdtempSync(join(tmpdir(), 'oars-incidents-'));
    ({ runtime, http, close } = await startTestApp(mode, { ...ENV, OARS_ARCHIVE_DIR: archive }));
  });

  afterAll(async () => {
    await close();
    rmSync(archive, { recursive: true, force: true });
  });

  /** An alert as the alert lifecycle records it: a signed `alert.raised` receipt in the tenant's stream. */
  async function raise(tenantId: string, over: Partial<AlertRecord>): Promise<Receipt> {
    const alert: AlertRecord = { id: `alrt_${Math.random().toString(36).slice(2)}`, tenantId, actionId: null, severity: 'critical', code: 'EXECUTION_FAILED', message: 'Connector execution failed.', createdAt: new Date().toISOString(), metadata: {}, ...over };
    const { value } = await runtime.writer.write(tenantId, () => ({ drafts: [alertReceiptDraft(alert)], finish: (r: Receipt[]) => r[0]! }));
    return value;
  }

  const incidentsOf = async (query: string, token = ADMIN) => (await http.get(`/v1/incidents?${query}`, token)).body;
  const incident = async (incidentId: string, token = ADMIN) => (await http.get(`/v1/incidents/${incidentId}`, token)).body;
  const timelineOf = async (incidentId: string): Promise<TimelineEntry[]> => (await incident(incidentId)).timeline ?? [];
  const timerKeys = async (key: string) => (await runtime.sql.query<{ timer_key: string }>('SELECT timer_key FROM reactor_timers WHERE reactor = $1 AND timer_key = $2', ['incident_timers', key])).rows.length;

  it('keeps rotations per tenant and platform-wide, says who is on call, and lets overrides win', async () => {
    const monday = '2026-03-02T09:00:00.000Z';
    const saved = await http.post('/v1/admin/oncall/rotations', { tenantId: BRAVO, name: 'SecOps', members: ['ann', 'bob', 'cat'], handoff: { every: 'week', at: '09:00', weekday: 'monday' }, startsAt: monday }, ADMIN);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ rotationId: expect.stringMatching(/^rot_/), members: ['ann', 'bob', 'cat'], startsAt: monday, overrides: [] });
    const rotationId = saved.body.rotationId as string;
    const at = async (iso: string) => (await http.get(`/v1/admin/oncall/now?tenantId=${BRAVO}&at=${iso}`, OPERATOR)).body;
    expect(await at('2026-03-09T08:59:59.000Z')).toMatchObject({ tenantId: BRAVO, primary: { userId: 'ann', source: 'schedule' }, secondary: { userId: 'bob' }, rotationId, stream: BRAVO });
    expect(await at('2026-03-09T09:00:00.000Z')).toMatchObject({ primary: { userId: 'bob' }, secondary: { userId: 'cat' } });

    // Overrides covering now for both roles make whom the escalation below pages known.
    const now = Date.now();
    for (const [role, userId] of [['primary', 'dan'], ['secondary', 'eve']]) {
      const added = await http.post(`/v1/admin/oncall/rotations/${rotationId}/overrides`, { tenantId: BRAVO, role, userId, from: new Date(now - HOUR).toISOString(), to: new Date(now + 6 * HOUR).toISOString(), reason: 'covering' }, ADMIN);
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ overrideId: expect.stringMatching(/^ovr_/), role, userId, addedBy: 'admin_user' });
    }
    expect((await http.get(`/v1/admin/oncall/now?tenantId=${BRAVO}`, OPERATOR)).body).toMatchObject({ primary: { userId: 'dan', source: 'override' }, secondary: { userId: 'eve', source: 'override' } });
    expect((await http.get(`/v1/admin/oncall/rotations?tenantId=${BRAVO}`, AUDITOR)).body.items[0].overrides).toHaveLength(2);

    // The platform's rotation (admins only) is what a tenant without one pages.
    const platform = await http.post('/v1/admin/oncall/rotations', { name: 'Platform', members: ['pam', 'pat'], handoff: { every: 'day', at: '00:00' }, startsAt: '2026-01-01T00:00:00.000Z' }, ADMIN);
    expect(platform.status).toBe(201);
    expect((await http.get('/v1/admin/oncall/now', ADMIN)).body).toMatchObject({ tenantId: null, stream: '_platform', primary: { source: 'schedule' } });
    expect((await http.get(`/v1/admin/oncall/now?tenantId=${ALPHA}`, ADMIN)).body).toMatchObject({ tenantId: ALPHA, stream: '_platform', rotationId: platform.body.rotationId });
    expect((await http.get('/v1/admin/oncall/now', OPERATOR)).status).toBe(403);
    expect((await http.post('/v1/admin/oncall/rotations', { name: 'x', members: ['a'], handoff: { every: 'day', at: '00:00' } }, OPERATOR)).status).toBe(403);

    const refused: Array<[Record<string, unknown>, string]> = [
      [{ tenantId: BRAVO, name: 'x', members: [], handoff: { every: 'day', at: '00:00' } }, 'members'],
      [{ tenantId: BRAVO, name: 'x', members: ['a'], handoff: { every: 'day', at: '24:00' } }, 'handoff.at'],
      [{ tenantId: BRAVO, name: 'x', members: ['a'], handoff: { every: 'week', at: '09:00' } }, 'handoff.weekday'],
      [{ tenantId: BRAVO, name: 'x', members: ['a', 'a'], handoff: { every: 'day', at: '09:00' } }, 'members[1]'],
      [{ tenantId: BRAVO, name: 'x\u0000', members: ['a'], handoff: { every: 'day', at: '09:00' } }, 'name'],
    ];
    for (const [body, field] of refused) {
      const res = await http.post('/v1/admin/oncall/rotations', body, ADMIN);
      expect({ field, status: res.status, code: res.body.error.code, named: res.body.error.message.includes(field) }).toEqual({ field, status: 400, code: 'validation_error', named: true });
    }
    const backwards = await http.post(`/v1/admin/oncall/rotations/${rotationId}/overrides`, { tenantId: BRAVO, role: 'primary', userId: 'dan', from: new Date(now + HOUR).toISOString(), to: new Date(now).toISOString() }, ADMIN);
    expect([backwards.status, backwards.body.error.details[0].field]).toEqual([400, 'to']);
    expect((await http.post('/v1/admin/oncall/rotations/rot_missing/overrides', { tenantId: BRAVO, role: 'primary', userId: 'dan', from: new Date(now).toISOString(), to: new Date(now + HOUR).toISOString() }, ADMIN)).status).toBe(404);
  });

  it('opens an incident from an alert, groups repeats with a count, and escalates primary, secondary, then the channels', async () => {
    const first = await raise(BRAVO, { severity: 'critical', metadata: { target: 'prod:db' } });
    const opened = await until('the incident', async () => (await incidentsOf(`tenantId=${BRAVO}`)).items?.[0]);
    expect(opened).toMatchObject({ tenantId: BRAVO, severity: 'SEV1', status: 'open', source: 'alert', code: 'EXECUTION_FAILED', target: 'prod:db', count: 1, ackTargetSeconds: 1, dedupKey: expect.stringMatching(/^oars-/) });
    await raise(BRAVO, { severity: 'critical', metadata: { target: 'prod:db' } });
    await raise(BRAVO, { severity: 'critical', metadata: { target: 'prod:db' } });
    const grouped = await until('three alerts grouped', async () => {
      const now = await incident(opened.incidentId);
      return now.count === 3 ? now : null;
    });
    expect(grouped.alertIds).toHaveLength(3);
    expect((await incidentsOf(`tenantId=${BRAVO}`)).items).toHaveLength(1);

    // The same alert event again (at-least-once delivery) changes nothing.
    const head = (await runtime.store.head(BRAVO)).sequence;
    await runtime.incidents.intakeAlert(BRAVO, first.data.alert as AlertRecord, first.sequence);
    expect((await runtime.store.head(BRAVO)).sequence).toBe(head);

    const steps = await until('three escalation steps', async () => {
      const escalated = (await timelineOf(opened.incidentId)).filter((e) => e.type === 'incident.escalated');
      return escalated.length === 3 ? escalated : null;
    }, 30_000);
    expect(steps.map((s) => s.details.notify)).toEqual([
      { level: 0, oncallUserIds: ['dan'], channelIds: [] },
      { level: 1, oncallUserIds: ['eve'], channelIds: [] },
      { level: 2, oncallUserIds: [], channelIds: ['pagerduty', 'slack_secops'] },
    ]);
    expect(steps.map((s) => s.details.reason)).toEqual(['opened', 'ack_target_missed', 'ack_target_missed']);
    expect(await incident(opened.incidentId)).toMatchObject({ escalationLevel: 2, nextEscalationAt: null });
    // Each step is a signed receipt of the incident carrying the snapshot.
    const receipts = (await runtime.store.read(BRAVO, { limit: 10_000 })).map((e) => e.data as unknown as Receipt).filter((r) => r.type === 'incident.escalated');
    expect(receipts.map((r) => [(r.data.incident as { incidentId: string }).incidentId, r.integrity.signature.length > 0])).toEqual(Array(3).fill([opened.incidentId, true]));

    // Acknowledged after its target: recorded, and measured as late.
    const late = await http.post(`/v1/incidents/${opened.incidentId}/acknowledge`, { tenantId: BRAVO }, ADMIN);
    expect(late.body).toMatchObject({ status: 'acknowledged', acknowledgedWithinTarget: false, timeToAcknowledgeSeconds: expect.any(Number) });
    expect(late.body.timeToAcknowledgeSeconds).toBeGreaterThan(1);
  });

  it('stops escalation on acknowledgement and records the time to acknowledge', async () => {
    const denied = await http.post('/v1/actions', actionBody({ tenantId: ALPHA, resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' } }), ADMIN);
    expect(denied.body.state).toBe('denied');
    const opened = await until('the incident of the denied action', async () => (await incidentsOf(`tenantId=${ALPHA}&status=open`)).items?.find((i: { code: string }) => i.code === 'POLICY_DENIED'));
    expect(opened).toMatchObject({ severity: 'SEV3', ackTargetSeconds: 3600, alertSeverity: 'medium', nextEscalationAt: expect.any(String) });
    await until('its escalation timer', async () => (await timerKeys(`escalate:${opened.incidentId}`)) === 1);

    const refused = await http.post(`/v1/incidents/${opened.incidentId}/acknowledge`, { tenantId: ALPHA }, AUDITOR);
    expect(refused.status).toBe(403); // auditors hold no incidents:write scope; the on-call operator does
    const ack = await http.post(`/v1/incidents/${opened.incidentId}/acknowledge`, { tenantId: ALPHA }, OPERATOR);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator_user', acknowledgedWithinTarget: true, nextEscalationAt: null, timeToAcknowledgeSeconds: expect.any(Number) });
    expect((await http.post(`/v1/incidents/${opened.incidentId}/acknowledge`, { tenantId: ALPHA }, ADMIN)).body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
    await until('the escalation timer cancelled', async () => (await timerKeys(`escalate:${opened.incidentId}`)) === 0);
    // Even a step fired late (an hour on) pages nobody once acknowledged.
    const later = await runtime.incidents.escalate(ALPHA, opened.incidentId, 1, new Date(Date.now() + 2 * HOUR));
    expect(later).toMatchObject({ status: 'acknowledged', escalationLevel: 0 });
    const list = await incidentsOf(`tenantId=${ALPHA}&status=acknowledged`);
    expect(list.items.map((i: { incidentId: string }) => i.incidentId)).toContain(opened.incidentId);
    expect(list.acknowledgement).toMatchObject({ acknowledged: 1, withinTarget: 1, meanSecondsToAcknowledge: ack.body.timeToAcknowledgeSeconds });
  });

  it('runs the incident command lifecycle: declare, stabilize, preserve evidence (retention refuses), cadence, close with an RCA', async () => {
    const declared = await http.post('/v1/incidents', { tenantId: ALPHA, severity: 'SEV3', commander: 'carol', summary: 'Payments connector failing' }, ADMIN);
    expect(declared.status).toBe(201);
    const id = declared.body.incidentId as string;
    expect(declared.body).toMatchObject({ tenantId: ALPHA, status: 'open', source: 'declared', severity: 'SEV3', commander: 'carol', updateIntervalSeconds: 3600, lifecycle: { declare: { done: true }, stabilize: { done: false }, close: { done: false } } });
    const post = (path: string, body: Record<string, unknown>) => http.post(`/v1/incidents/${id}/${path}`, { tenantId: ALPHA, ...body }, ADMIN);

    expect((await post('updates', { message: 'Investigating connector timeouts.', stage: 'investigating' })).status).toBe(201);
    const mitigated = await post('updates', { message: 'Traffic moved to the standby connector.', stage: 'mitigated' });
    expect(mitigated.body).toMatchObject({ updatesPosted: 2, lifecycle: { stabilize: { done: true }, communicate: { done: true, updatesPosted: 2, overdue: false } } });

    const preserved = await post('preserve-evidence', { tenantIds: [ALPHA] });
    expect(preserved.status).toBe(201);
    const evidence = preserved.body.evidence[0];
    expect(evidence).toMatchObject({ preservedBy: 'admin_user', tenants: [{ tenantId: ALPHA, sequence: expect.any(Number), receiptHash: expect.stringMatching(/^[0-9a-f]{64}$/), holdId: expect.stringMatching(/^hold_/) }] });
    const { holdId, sequence, receiptHash } = evidence.tenants[0];
    expect((await runtime.store.get(ALPHA, sequence))!.data).toMatchObject({ integrity: { receiptHash } });
    expect((await http.get(`/v1/admin/ledger/holds?tenantId=${ALPHA}`, AUDITOR)).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ holdId, incidentId: id })]));
    const retention = await http.post('/v1/admin/ledger/retention/apply', { tenantId: ALPHA }, ADMIN);
    expect(retention.status).toBe(400);
    expect(retention.body.error.code).toBe('request_error');
    expect(retention.body.error.message).toContain(holdId);
    expect(retention.body.error.message).toContain(id);
    expect((await post('preserve-evidence', { tenantIds: [BRAVO] })).status).toBe(400); // a tenant's incident preserves its own stream only

    expect((await post('close', { rca: { summary: 's', rootCause: 'r' }, correctiveActions: [{ description: 'd', owner: 'dave', dueDate: '2026-07-01' }] })).status).toBe(409);
    const resolved = await post('resolve', { resolution: 'Certificate renewed.' });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: 'admin_user', updateDueAt: null, nextReminderAt: null });
    const closed = await post('close', {
      rca: { summary: 'Connector outage', rootCause: 'An expired client certificate', impact: 'Payments delayed for 20 minutes' },
      correctiveActions: [{ description: 'Alert 14 days before certificates expire', owner: 'dave', dueDate: '2026-07-01' }, { description: 'Automate renewal', owner: 'erin', dueDate: '2026-08-01', status: 'in_progress' }],
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed', closedBy: 'admin_user', rca: { rootCause: 'An expired client certificate' },
      correctiveActions: [{ correctiveActionId: 'ca_1', owner: 'dave', dueDate: '2026-07-01', status: 'open' }, { correctiveActionId: 'ca_2', status: 'in_progress' }],
      lifecycle: { declare: { done: true }, stabilize: { done: true }, preserveEvidence: { done: true }, communicate: { done: true }, close: { done: true } },
    });
    const done = await http.post(`/v1/incidents/${id}/corrective-actions/ca_1`, { tenantId: ALPHA, status: 'done' }, ADMIN);
    expect(done.body.correctiveActions[0]).toMatchObject({ correctiveActionId: 'ca_1', status: 'done' });
    expect((await http.post(`/v1/incidents/${id}/corrective-actions/ca_9`, { tenantId: ALPHA, status: 'done' }, ADMIN)).status).toBe(404);
    expect((await post('updates', { message: 'Too late.' })).body.error.code).toBe('incident_closed');

    const view = await incident(id, AUDITOR);
    expect(view.timeline.map((e: TimelineEntry) => e.type)).toEqual([
      'incident.opened', 'incident.escalated', 'incident.update_posted', 'incident.update_posted', 'incident.evidence_preserved', 'incident.resolved', 'incident.closed', 'incident.corrective_action_changed',
    ]);
    expect(view.timeline[2]).toMatchObject({ actor: 'admin_user', details: { update: { message: 'Investigating connector timeouts.', stage: 'investigating' } } });
    expect((await incidentsOf(`tenantId=${ALPHA}&status=closed`)).items.map((i: { incidentId: string }) => i.incidentId)).toEqual([id]);
  });

  it('raises a reminder (a receipt and an alert) when an update is missed, and the next update answers it', async () => {
    const declared = await http.post('/v1/incidents', { tenantId: ALPHA, severity: 'SEV2', commander: 'carol', summary: 'Elevated auth failures' }, ADMIN);
    const id = declared.body.incidentId as string;
    expect(declared.body).toMatchObject({ updateIntervalSeconds: 1, updateDueAt: expect.any(String) });
    const overdue = await until('the reminder', async () => (await timelineOf(id)).find((e) => e.type === 'incident.update_overdue'), 30_000);
    expect(overdue.details).toMatchObject({ dueAt: declared.body.updateDueAt, alertId: expect.stringMatching(/^alrt_/) });
    const alerts = (await http.get(`/v1/alerts?tenantId=${ALPHA}&limit=500`, OPERATOR)).body.items as AlertRecord[];
    expect(alerts.find((a) => a.id === overdue.details.alertId)).toMatchObject({ severity: 'high', code: 'INCIDENT_UPDATE_OVERDUE', metadata: { incidentId: id } });
    expect(await incident(id)).toMatchObject({ updateOverdue: true, lifecycle: { communicate: { overdue: true } } });
    // A reminder never opens an incident of its own.
    await runtime.catchUp([ALPHA]);
    expect((await incidentsOf(`tenantId=${ALPHA}`)).items.filter((i: { code: string | null }) => i.code === 'INCIDENT_UPDATE_OVERDUE')).toEqual([]);

    const update = await http.post(`/v1/incidents/${id}/updates`, { tenantId: ALPHA, message: 'Blocking the offending client.' }, ADMIN);
    expect(update.body).toMatchObject({ updateOverdue: false, updatesPosted: 1 });
    const resolved = await http.post(`/v1/incidents/${id}/resolve`, { tenantId: ALPHA }, ADMIN);
    expect(resolved.body.nextReminderAt).toBeNull();
    await until('the reminder timer cancelled', async () => (await timerKeys(`remind:${id}`)) === 0);
  });

  it('declares from an alert by taking command of its incident, and platform-wide incidents for admins only', async () => {
    const alert = await raise(BRAVO, { severity: 'high', code: 'ACTION_QUARANTINED', metadata: { target: 'iam:finance' } });
    const open = await until('the alert’s incident', async () => (await incidentsOf(`tenantId=${BRAVO}&severity=SEV2`)).items?.[0]);
    const declared = await http.post('/v1/incidents', { tenantId: BRAVO, commander: 'carol', fromAlertId: (alert.data.alert as AlertRecord).id, severity: 'SEV1' }, ADMIN);
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({ incidentId: open.incidentId, severity: 'SEV1', commander: 'carol', ackTargetSeconds: 1 });
    expect((await http.post('/v1/incidents', { tenantId: BRAVO, commander: 'carol', fromAlertId: 'alrt_missing' }, ADMIN)).status).toBe(404);
    await http.post(`/v1/incidents/${open.incidentId}/acknowledge`, { tenantId: BRAVO }, ADMIN);

    const platform = await http.post('/v1/incidents', { severity: 'SEV3', commander: 'pam', summary: 'Region-wide NATS degradation' }, ADMIN);
    expect(platform.body).toMatchObject({ tenantId: '_platform', status: 'open' });
    expect((await incident(platform.body.incidentId)).tenantId).toBe('_platform');
    expect((await http.get(`/v1/incidents/${platform.body.incidentId}`, OPERATOR)).status).toBe(404);
    expect((await http.post(`/v1/incidents/${platform.body.incidentId}/acknowledge`, {}, OPERATOR)).status).toBe(403);
    expect((await http.post(`/v1/incidents/${platform.body.incidentId}/acknowledge`, {}, ADMIN)).body.status).toBe('acknowledged');
  });

  it('refuses bad input naming the field, and answers 404 for other tenants’ incidents', async () => {
    const theirs = await http.post('/v1/incidents', { tenantId: ENTERPRISE, severity: 'SEV3', commander: 'erin', summary: 'Enterprise only' }, ADMIN);
    expect(theirs.status).toBe(201);
    const id = theirs.body.incidentId as string;
    expect((await http.get(`/v1/incidents/${id}`, OPERATOR)).status).toBe(404);
    expect((await incidentsOf('', OPERATOR)).items.map((i: { incidentId: string }) => i.incidentId)).not.toContain(id);
    expect((await http.get(`/v1/incidents?tenantId=${ENTERPRISE}`, OPERATOR)).status).toBe(403);
    // Naming one's own tenant finds nothing of another's.
    const wrongTenant = await http.post(`/v1/incidents/${id}/acknowledge`, { tenantId: ALPHA }, ADMIN);
    expect([wrongTenant.status, wrongTenant.body.error.code]).toEqual([404, 'not_found']);
    expect((await http.get('/v1/incidents/inc_missing', ADMIN)).status).toBe(404);

    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/v1/incidents', { tenantId: ALPHA, severity: 'SEV4', commander: 'carol', summary: 's' }, 'severity'],
      ['/v1/incidents', { tenantId: ALPHA, severity: 'SEV2', summary: 's' }, 'commander'],
      ['/v1/incidents', { tenantId: ALPHA, severity: 'SEV2', commander: 'carol' }, 'summary'],
      ['/v1/incidents', { tenantId: ALPHA, severity: 'SEV2', commander: 'carol', summary: 'a\u0000b' }, 'summary'],
      ['/v1/incidents', { tenantId: ALPHA, severity: 'SEV2', commander: 'carol', summary: '   ' }, 'summary'],
      ['/v1/incidents', { tenantId: 'bad tenant', severity: 'SEV2', commander: 'carol', summary: 's' }, 'tenantId'],
      [`/v1/incidents/${id}/updates`, { tenantId: ENTERPRISE, message: '' }, 'message'],
      [`/v1/incidents/${id}/updates`, { tenantId: ENTERPRISE, message: 'm', stage: 'fixed' }, 'stage'],
      [`/v1/incidents/${id}/updates`, { tenantId: ENTERPRISE, message: 'm', extra: 1 }, 'extra'],
      [`/v1/incidents/${id}/preserve-evidence`, { tenantId: ENTERPRISE, tenantIds: [] }, 'tenantIds'],
      [`/v1/incidents/${id}/close`, { tenantId: ENTERPRISE, rca: { summary: 's', rootCause: 'r' }, correctiveActions: [{ description: 'd', owner: 'dave', dueDate: 'tomorrow' }] }, 'correctiveActions.0.dueDate'],
      [`/v1/incidents/${id}/close`, { tenantId: ENTERPRISE, rca: { summary: 's' }, correctiveActions: [] }, 'rca.rootCause'],
      [`/v1/incidents/${id}/corrective-actions/ca_1`, { tenantId: ENTERPRISE, status: 'finished' }, 'status'],
    ];
    for (const [path, body, field] of cases) {
      const res = await http.post(path, body, ADMIN);
      expect({ path, field, status: res.status, code: res.body.error?.code, named: res.body.error?.message.includes(field) }).toEqual({ path, field, status: 400, code: 'validation_error', named: true });
    }
    expect((await http.post('/v1/incidents/bad%20id/acknowledge', { tenantId: ALPHA }, ADMIN)).status).toBe(400);
    expect((await http.get('/v1/incidents?status=burning', ADMIN)).status).toBe(400);
  });
});
