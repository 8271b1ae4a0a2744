import { given as givenOn } from '@oars/testing';
import type { AlertRecord } from '../alerts';
import type { IncidentCommand, IncidentCommandMetadata, Paging } from './incident.commands';
import { decideIncident } from './incident.decide';
import { IncidentError } from './incident.errors';
import type { IncidentChainEvent, IncidentEvent } from './incident.events';
import { DEFAULT_INCIDENT_POLICY, type IncidentState, evolveIncident } from './incident.state';
import { incidentLifecycle, incidentTimerPlan } from './incident.views';

const T0 = '2026-05-01T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const TENANT = 'tenant_alpha';
const PAGING: Paging = { primary: 'ann', secondary: 'bob', channelIds: ['pagerduty', 'slack_secops'] };

const incidentDecider = { initialState: null as IncidentState | null, evolve: evolveIncident, decide: (c: IncidentCommand, s: IncidentState | null) => decideIncident(s, c) };
const given = (...history: IncidentEvent[]) => givenOn(incidentDecider, ...history);

const alert = (over: Partial<AlertRecord> = {}): AlertRecord => ({
  id: 'alrt_1', tenantId: TENANT, actionId: 'act_1', severity: 'critical', code: 'EXECUTION_FAILED', message: 'Connector execution failed.', createdAt: T0, metadata: { target: 'prod:db' }, ...over,
});
const meta = (now: string, incidentId = 'inc_1', actor = 'system'): IncidentCommandMetadata => ({ now, actor, incidentId, policy: DEFAULT_INCIDENT_POLICY });
const fromAlert = (a: AlertRecord, sequence: number, now = T0, incidentId = 'inc_1'): IncidentCommand => ({ type: 'OpenIncidentFromAlert', data: { alert: a, alertSequence: sequence, paging: PAGING }, metadata: meta(now, incidentId) });
const command = <C extends IncidentCommand>(type: C['type'], data: C['data'], now: string, actor = 'admin_user', incidentId = 'inc_1') => ({ type, data, metadata: meta(now, incidentId, actor) }) as C;
const ack = (now: string) => command('AcknowledgeIncident', {}, now);
const escalate = (level: number, now: string, paging = PAGING) => command('EscalateIncident', { level, paging }, now, 'system');
const resolve = (now: string) => command('ResolveIncident', { resolution: 'Rolled back the connector.' }, now);
const declare = (data: Partial<Extract<IncidentCommand, { type: 'DeclareIncident' }>['data']>, now = T0, incidentId = 'inc_d') =>
  command('DeclareIncident', { tenantId: TENANT, severity: 'SEV2', commander: 'carol', summary: 'Payments failing', fromAlert: null, paging: PAGING, ...data }, now, 'admin_user', incidentId);

/** The events a command decides after a history (to build histories from). */
const after = (history: IncidentEvent[], c: IncidentCommand) => decideIncident(history.reduce(evolveIncident, null), c);
const opened = () => after([], fromAlert(alert(), 5));
const snapshot = (events: readonly IncidentEvent[]) => (events[events.length - 1] as IncidentChainEvent).data.incident;
const problems = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(IncidentError);
    return (err as IncidentError).problems?.map((p) => p.field);
  }
  throw new Error('not refused');
};

describe('OpenIncidentFromAlert', () => {
  it('given nothing, opens a SEV1 incident, points its group at it and pages the primary in the same decision', () => {
    const events = given().when(fromAlert(alert(), 5)).events();
    expect(events.map((e) => [e.type, e.subject])).toEqual([
      ['incident.opened', 'incident.inc_1'],
      ['incident_group.assigned', expect.stringMatching(/^incident_group\.oars-[0-9a-f]{32}$/)],
      ['incident.escalated', 'incident.inc_1'],
    ]);
    expect(snapshot(events)).toMatchObject({
      incidentId: 'inc_1', tenantId: TENANT, severity: 'SEV1', status: 'open', source: 'alert', code: 'EXECUTION_FAILED', target: 'prod:db', alertSeverity: 'critical',
      alertIds: ['alrt_1'], count: 1, openedAt: T0, ackTargetSeconds: 300, ackDueAt: at(300), escalationLevel: 0, nextEscalationAt: at(300), lastAlertSequence: 5,
      commander: null, updateDueAt: null, nextReminderAt: null,
    });
    expect(events[2]!.data).toMatchObject({ notify: { level: 0, oncallUserIds: ['ann'], channelIds: [] }, reason: 'opened', fallback: false });
  });

  it('maps severities as documented: integrity violations and critical SEV1, high SEV2, the rest SEV3', () => {
    const severityOf = (a: Partial<AlertRecord>) => snapshot(after([], fromAlert(alert(a), 1))).severity;
    expect([severityOf({ code: 'INTEGRITY_VIOLATION', severity: 'low' }), severityOf({ severity: 'high' }), severityOf({ severity: 'medium' }), severityOf({ severity: 'low' })]).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV3']);
    expect(snapshot(after([], fromAlert(alert({ severity: 'high' }), 1)))).toMatchObject({ ackTargetSeconds: 900, updateIntervalSeconds: 3600 });
  });

  it('groups a repeat into the open incident (count + 1); the same event again changes nothing', () => {
    const history = opened();
    const [grouped] = given(...history).when(fromAlert(alert({ id: 'alrt_2' }), 9, at(30), 'inc_2')).events();
    expect(grouped).toMatchObject({ type: 'incident.alert_grouped', subject: 'incident.inc_1', data: { alertId: 'alrt_2', actor: 'system', incident: { incidentId: 'inc_1', count: 2, alertIds: ['alrt_1', 'alrt_2'], lastAlertSequence: 9 } } });
    given(...history, grouped!).when(fromAlert(alert({ id: 'alrt_2' }), 9, at(31), 'inc_2')).then([]);
    given(...history).when(fromAlert(alert(), 5)).then([]);
  });

  it('groups into an acknowledged incident, and opens a new one once the group’s incident is resolved', () => {
    const acked = [...opened(), ...after(opened(), ack(at(60)))];
    expect(given(...acked).when(fromAlert(alert({ id: 'alrt_2' }), 9, at(90), 'inc_2')).events()[0]!.type).toBe('incident.alert_grouped');
    const resolved = [...acked, ...after(acked, resolve(at(120)))];
    const events = given(...resolved).when(fromAlert(alert({ id: 'alrt_3' }), 12, at(200), 'inc_3')).events();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident_group.assigned', 'incident.escalated']);
    expect(snapshot(events)).toMatchObject({ incidentId: 'inc_3', count: 1, alertIds: ['alrt_3'] });
  });
});

describe('EscalateIncident', () => {
  it('primary, then secondary at the target, then the channels one target later, then nothing', () => {
    const history = opened();
    given(...history).when(escalate(1, at(299))).then([]);
    const level1 = given(...history).when(escalate(1, at(300))).events();
    expect(level1[0]!.data).toMatchObject({ notify: { level: 1, oncallUserIds: ['bob'], channelIds: [] }, reason: 'ack_target_missed', incident: { escalationLevel: 1, nextEscalationAt: at(600) } });
    const level2 = after([...history, ...level1], escalate(2, at(600)));
    expect(level2[0]!.data).toMatchObject({ notify: { level: 2, oncallUserIds: [], channelIds: ['pagerduty', 'slack_secops'] }, fallback: false, incident: { escalationLevel: 2, nextEscalationAt: null } });
    given(...history, ...level1, ...level2).when(escalate(3, at(900))).then([]);
    given(...history, ...level1).when(escalate(1, at(900))).then([]); // a timer fired twice
  });

  it('pages the channels at a level nobody is on call for', () => {
    const [step] = given(...opened()).when(escalate(1, at(300), { primary: 'ann', secondary: null, channelIds: ['pagerduty'] })).events();
    expect(step!.data).toMatchObject({ notify: { level: 1, oncallUserIds: [], channelIds: ['pagerduty'] }, fallback: true });
  });

  it('stops once acknowledged or resolved', () => {
    given(...opened(), ...after(opened(), ack(at(10)))).when(escalate(1, at(300))).then([]);
    given(...opened(), ...after(opened(), resolve(at(10)))).when(escalate(1, at(300))).then([]);
  });
});

describe('AcknowledgeIncident', () => {
  it('records the time to acknowledge against the target and stops escalation', () => {
    const [event] = given(...opened()).when(ack(at(42.5))).events();
    expect(event).toMatchObject({ type: 'incident.acknowledged', data: { timeToAcknowledgeSeconds: 42.5, withinTarget: true, actor: 'admin_user', incident: { status: 'acknowledged', acknowledgedAt: at(42.5), acknowledgedBy: 'admin_user', acknowledgedWithinTarget: true, nextEscalationAt: null } } });
    expect(given(...opened()).when(ack(at(301))).events()[0]!.data).toMatchObject({ timeToAcknowledgeSeconds: 301, withinTarget: false });
    expect(incidentTimerPlan(snapshot([event!])).escalation).toBeNull();
  });

  it('twice decides nothing; a resolved incident is not open; an unknown one is not found', () => {
    given(...opened(), ...after(opened(), ack(at(5)))).when(ack(at(6))).then([]);
    given(...opened(), ...after(opened(), resolve(at(5)))).when(ack(at(6))).thenThrows(IncidentError, 'incident_not_open');
    given().when(ack(at(6))).thenThrows(IncidentError, 'incident_not_found');
    given(...opened()).when(command('AcknowledgeIncident', {}, at(6), 'admin_user', 'inc_other')).thenThrows(IncidentError, 'incident_not_found');
  });
});

describe('DeclareIncident', () => {
  it('given nothing, opens a declared incident with its commander, starts the cadence and pages the primary', () => {
    const events = given().when(declare({})).events();
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'incident.escalated']);
    expect(snapshot(events)).toMatchObject({ incidentId: 'inc_d', severity: 'SEV2', source: 'declared', commander: 'carol', declaredBy: 'admin_user', code: null, count: 0, summary: 'Payments failing', updateDueAt: at(3600), nextReminderAt: at(3600), dedupKey: expect.stringMatching(/^oars-[0-9a-f]{32}$/) });
    given(...events).when(declare({})).then([]);
  });

  it('refuses a bad commander, a missing severity or summary, naming the fields', () => {
    expect(problems(() => after([], declare({ commander: 'bad name', severity: null, summary: null })))).toEqual(['commander', 'severity', 'summary']);
    expect(problems(() => after([], declare({ severity: 'SEV9' as never })))).toEqual(['severity']);
  });

  it('from an alert whose incident is open, the commander takes it; a new severity brings its targets', () => {
    const history = opened();
    const [declared] = given(...history).when(declare({ fromAlert: { alert: alert(), sequence: 5 }, severity: 'SEV3', summary: null }, at(60), 'inc_x')).events();
    expect(declared).toMatchObject({
      type: 'incident.declared', subject: 'incident.inc_1',
      data: { commander: 'carol', severity: 'SEV3', previousSeverity: 'SEV1', incident: { commander: 'carol', declaredAt: at(60), severity: 'SEV3', ackTargetSeconds: 3600, ackDueAt: at(3600), nextEscalationAt: at(3600), updateIntervalSeconds: 14_400, updateDueAt: at(60 + 14_400) } },
    });
    given(...history, declared!).when(declare({ fromAlert: { alert: alert(), sequence: 5 }, severity: 'SEV3', summary: null }, at(61), 'inc_x')).then([]);
  });

  it('from an alert whose group has no open incident, opens one from the alert', () => {
    const resolved = [...opened(), ...after(opened(), resolve(at(5)))];
    const events = given(...resolved).when(declare({ fromAlert: { alert: alert(), sequence: 5 }, severity: null, summary: null }, at(60), 'inc_new')).events();
    expect(snapshot(events)).toMatchObject({ incidentId: 'inc_new', severity: 'SEV1', source: 'declared', commander: 'carol', code: 'EXECUTION_FAILED', summary: 'Connector execution failed.', lastAlertSequence: 5 });
  });
});

describe('status updates and the cadence', () => {
  const declared = () => after([], declare({}));
  const update = (now: string, stage: string | null = 'investigating', message = 'Looking at the connector logs.') => command('PostIncidentUpdate', { message, stage: stage as never }, now, 'carol', 'inc_d');
  const remind = (dueAt: string, now: string) => command('RemindIncidentUpdate', { dueAt }, now, 'system', 'inc_d');

  it('an update restarts the cadence; a mitigated one marks the impact stabilized', () => {
    const [first] = given(...declared()).when(update(at(600))).events();
    expect(first).toMatchObject({ type: 'incident.update_posted', data: { update: { message: 'Looking at the connector logs.', stage: 'investigating' }, incident: { updatesPosted: 1, lastUpdateAt: at(600), updateDueAt: at(4200), nextReminderAt: at(4200), mitigatedAt: null } } });
    const [second] = given(...declared(), first!).when(update(at(900), 'mitigated')).events();
    expect(incidentLifecycle(snapshot([second!]))).toMatchObject({ declare: { done: true, at: T0 }, stabilize: { done: true, at: at(900) }, communicate: { done: true, updatesPosted: 2 }, close: { done: false } });
  });

  it('refuses an empty message or an unknown stage', () => {
    expect(problems(() => after(declared(), update(at(1), 'fixed')))).toEqual(['stage']);
    expect(problems(() => after(declared(), update(at(1), null, '  ')))).toEqual(['message']);
  });

  it('a missed update raises a reminder receipt and a high alert, then reminds again every interval', () => {
    given(...declared()).when(remind(at(3600), at(3599))).then([]);
    const events = given(...declared()).when(remind(at(3600), at(3601))).events();
    expect(events.map((e) => e.type)).toEqual(['incident.update_overdue', 'alert.raised']);
    expect(events[0]!.data).toMatchObject({ dueAt: at(3600), overdueSeconds: 1, incident: { remindersSent: 1, updateOverdue: true, nextReminderAt: at(7200) } });
    expect(events[1]).toMatchObject({ subject: 'alert.alrt_d_update_overdue_1', data: { alert: { id: 'alrt_d_update_overdue_1', tenantId: TENANT, severity: 'high', code: 'INCIDENT_UPDATE_OVERDUE', metadata: { incidentId: 'inc_d', target: 'inc_d' } } } });
    given(...declared(), ...events).when(remind(at(3600), at(3602))).then([]); // the same timer again
    expect(snapshot(after([...declared(), ...events], update(at(4000))))).toMatchObject({ updateOverdue: false, nextReminderAt: at(7600) });
  });

  it('runs no cadence before declaration nor after resolution', () => {
    expect(incidentTimerPlan(snapshot(opened())).reminder).toBeNull();
    const resolved = after(declared(), command('ResolveIncident', { resolution: null }, at(60), 'carol', 'inc_d'));
    expect(incidentTimerPlan(snapshot(resolved))).toEqual({ escalation: null, reminder: null });
  });
});

describe('evidence, resolution and close', () => {
  const base = () => after([], declare({}));
  const cmd = <C extends IncidentCommand>(type: C['type'], data: C['data'], now = at(100)) => command<C>(type, data, now, 'carol', 'inc_d');
  const actions = [{ correctiveActionId: 'ca_1', description: 'Alert on connector timeouts', owner: 'dave', dueDate: '2026-06-01', status: 'open' as const }];
  const rca = { summary: 'Connector timeouts', rootCause: 'An expired certificate', impact: null };

  it('records the preserved streams on the incident', () => {
    const tenants = [{ tenantId: TENANT, sequence: 42, receiptHash: 'a'.repeat(64), holdId: 'hold_1' }];
    const [event] = given(...base()).when(cmd('RecordEvidencePreserved', { tenants })).events();
    expect(event).toMatchObject({ type: 'incident.evidence_preserved', data: { preservation: { preservedAt: at(100), preservedBy: 'carol', tenants }, incident: { evidence: [{ tenants }] } } });
    expect(problems(() => after(base(), cmd('RecordEvidencePreserved', { tenants: [] })))).toEqual(['tenantIds']);
  });

  it('closes a resolved incident with its RCA and corrective actions, and nothing changes it after but the actions’ status', () => {
    given(...base()).when(cmd('CloseIncident', { rca, correctiveActions: actions })).thenThrows(IncidentError, 'incident_not_resolved');
    const resolved = [...base(), ...after(base(), cmd('ResolveIncident', { resolution: 'Renewed' }))];
    given(...resolved).when(cmd('ResolveIncident', { resolution: 'Renewed' })).then([]);
    expect(problems(() => after(resolved, cmd('CloseIncident', { rca: { ...rca, rootCause: '' }, correctiveActions: [{ ...actions[0]!, dueDate: '06/01', owner: 'a b' }] })))).toEqual([
      'rca.rootCause', 'correctiveActions[0].owner', 'correctiveActions[0].dueDate',
    ]);
    expect(problems(() => after(resolved, cmd('CloseIncident', { rca, correctiveActions: [] })))).toEqual(['correctiveActions']);
    const [closed] = given(...resolved).when(cmd('CloseIncident', { rca, correctiveActions: actions }, at(200))).events();
    expect(closed).toMatchObject({ type: 'incident.closed', data: { rca, correctiveActions: actions, incident: { status: 'closed', closedAt: at(200), closedBy: 'carol' } } });
    const all = [...resolved, closed!];
    given(...all).when(cmd('PostIncidentUpdate', { message: 'late', stage: null })).thenThrows(IncidentError, 'incident_closed');
    given(...all).when(cmd('ResolveIncident', { resolution: null })).thenThrows(IncidentError, 'incident_closed');
    const [changed] = given(...all).when(cmd('ChangeCorrectiveAction', { correctiveActionId: 'ca_1', status: 'done' })).events();
    expect(changed).toMatchObject({ type: 'incident.corrective_action_changed', data: { previousStatus: 'open', correctiveAction: { status: 'done' }, incident: { correctiveActions: [{ correctiveActionId: 'ca_1', status: 'done' }] } } });
    given(...all, changed!).when(cmd('ChangeCorrectiveAction', { correctiveActionId: 'ca_1', status: 'done' })).then([]);
    given(...all).when(cmd('ChangeCorrectiveAction', { correctiveActionId: 'ca_9', status: 'done' })).thenThrows(IncidentError, 'corrective_action_not_found');
    expect(incidentLifecycle(snapshot([changed!])).close).toEqual({ done: true, at: at(200) });
  });
});
