import type { FieldProblem } from '../oncall';
import type { AcknowledgeIncident, EscalateIncident, PostIncidentUpdate, RemindIncidentUpdate } from './incident.commands';
import { INCIDENT_ACKNOWLEDGED, incidentSubjectOf } from './incident.contract';
import { IncidentError, checkText, incidentNotFound, invalidIncidentInput } from './incident.errors';
import { INCIDENT_UPDATE_OVERDUE, INCIDENT_UPDATE_OVERDUE_CODE, INCIDENT_UPDATE_POSTED, type IncidentEvent } from './incident.events';
import { INCIDENT_UPDATE_STAGES, type IncidentState, addSeconds, isIncidentActive } from './incident.state';
import { LAST_ESCALATION_LEVEL, escalatedEvent } from './incident-open.decide';

/** Stops escalation and records the time to acknowledge against the target. Acknowledged already: nothing. */
export function decideAcknowledge(state: IncidentState | null, cmd: AcknowledgeIncident): IncidentEvent[] {
  const incident = existing(state, cmd.metadata.incidentId);
  if (incident.status === 'acknowledged') return [];
  if (incident.status !== 'open') throw new IncidentError('incident_not_open', `Incident ${incident.incidentId} is ${incident.status}: only an open incident can be acknowledged.`);
  const { now, actor } = cmd.metadata;
  const timeToAcknowledgeSeconds = Math.max(0, Date.parse(now) - Date.parse(incident.openedAt)) / 1000;
  const withinTarget = Date.parse(now) <= Date.parse(incident.ackDueAt);
  const next: IncidentState = { ...incident, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor, timeToAcknowledgeSeconds, acknowledgedWithinTarget: withinTarget, nextEscalationAt: null };
  return [{ type: INCIDENT_ACKNOWLEDGED, subject: incidentSubjectOf(incident.incidentId), data: { incident: next, timeToAcknowledgeSeconds, withinTarget, actor } }];
}

/**
 * The next escalation step, when it is due and still called for: the incident is open (not
 * acknowledged), at the level before, and its target passed. Anything else (a timer fired twice, a
 * stale one) decides nothing.
 */
export function decideEscalate(state: IncidentState | null, cmd: EscalateIncident): IncidentEvent[] {
  const { level, paging } = cmd.data;
  const { now } = cmd.metadata;
  if (!state || state.status !== 'open' || level !== state.escalationLevel + 1 || level > LAST_ESCALATION_LEVEL) return [];
  if (!state.nextEscalationAt || Date.parse(now) < Date.parse(state.nextEscalationAt)) return [];
  const incident: IncidentState = { ...state, escalationLevel: level, lastEscalatedAt: now, nextEscalationAt: level < LAST_ESCALATION_LEVEL ? addSeconds(now, state.ackTargetSeconds) : null };
  return [escalatedEvent(incident, paging, 'ack_target_missed')];
}

/** Step 2 and 4: a status update on the timeline; it restarts the cadence while the incident is declared and active. */
export function decidePostUpdate(state: IncidentState | null, cmd: PostIncidentUpdate): IncidentEvent[] {
  const incident = notClosed(state, cmd.metadata.incidentId);
  const { message, stage } = cmd.data;
  const problems: FieldProblem[] = [];
  checkText(problems, 'message', message, 2000);
  if (stage !== null && !INCIDENT_UPDATE_STAGES.includes(stage)) problems.push({ field: 'stage', message: `must be one of ${INCIDENT_UPDATE_STAGES.join(', ')}` });
  if (problems.length > 0) throw invalidIncidentInput(problems);
  const { now, actor } = cmd.metadata;
  const cadence = incident.commander !== null && isIncidentActive(incident);
  const updateDueAt = cadence ? addSeconds(now, incident.updateIntervalSeconds) : incident.updateDueAt;
  const stabilized = stage === 'mitigated' || stage === 'monitoring';
  const next: IncidentState = {
    ...incident,
    updatesPosted: incident.updatesPosted + 1,
    lastUpdateAt: now,
    updateDueAt,
    nextReminderAt: cadence ? updateDueAt : incident.nextReminderAt,
    updateOverdue: false,
    mitigatedAt: incident.mitigatedAt ?? (stabilized ? now : null),
  };
  return [{ type: INCIDENT_UPDATE_POSTED, subject: incidentSubjectOf(incident.incidentId), data: { incident: next, update: { message, stage }, actor } }];
}

/**
 * The cadence timer for the reminder due at `dueAt`: a missed update records `incident.update_overdue`
 * and raises a high alert (delivered by alert routing), then reminds again every interval.
 */
export function decideRemindUpdate(state: IncidentState | null, cmd: RemindIncidentUpdate): IncidentEvent[] {
  const { now } = cmd.metadata;
  if (!state || !isIncidentActive(state) || !state.nextReminderAt || !state.updateDueAt) return [];
  if (cmd.data.dueAt !== state.nextReminderAt || Date.parse(now) < Date.parse(state.nextReminderAt)) return [];
  const interval = state.updateIntervalSeconds * 1000;
  const late = Date.parse(now) - Date.parse(state.nextReminderAt);
  const nextReminderAt = new Date(Date.parse(state.nextReminderAt) + (Math.floor(late / interval) + 1) * interval).toISOString();
  const remindersSent = state.remindersSent + 1;
  const overdueSeconds = Math.round((Date.parse(now) - Date.parse(state.updateDueAt)) / 1000);
  const alertId = `alrt_${state.incidentId.slice(state.incidentId.indexOf('_') + 1)}_update_overdue_${remindersSent}`;
  const incident: IncidentState = { ...state, nextReminderAt, remindersSent, updateOverdue: true };
  return [
    { type: INCIDENT_UPDATE_OVERDUE, subject: incidentSubjectOf(state.incidentId), data: { incident, dueAt: state.updateDueAt, overdueSeconds, alertId, actor: 'system' } },
    {
      type: 'alert.raised',
      subject: `alert.${alertId}`,
      data: {
        alert: {
          id: alertId,
          tenantId: state.tenantId,
          actionId: null,
          severity: 'high',
          code: INCIDENT_UPDATE_OVERDUE_CODE,
          message: `Incident ${state.incidentId} (${state.severity}) is missing its status update: one is due every ${state.updateIntervalSeconds} s.`,
          createdAt: now,
          metadata: { incidentId: state.incidentId, target: state.incidentId, commander: state.commander, dueAt: state.updateDueAt, overdueSeconds },
        },
      },
    },
  ];
}

export function existing(state: IncidentState | null, incidentId: string): IncidentState {
  if (!state || state.incidentId !== incidentId) throw incidentNotFound(incidentId);
  return state;
}

export function notClosed(state: IncidentState | null, incidentId: string): IncidentState {
  const incident = existing(state, incidentId);
  if (incident.status === 'closed') throw new IncidentError('incident_closed', `Incident ${incidentId} is closed.`);
  return incident;
}
