import { sha256Hex } from '@oars/receipts';
import { type AlertRecord, INCIDENT_SEVERITIES, type IncidentSeverity, alertTargetOf, incidentDedupKey, incidentSeverityOf } from '../alerts';
import { type FieldProblem, USER_ID_PATTERN } from '../oncall';
import type { DeclareIncident, IncidentCommandMetadata, OpenIncidentFromAlert, Paging } from './incident.commands';
import { INCIDENT_ALERT_GROUPED, INCIDENT_ESCALATED, INCIDENT_OPENED, type IncidentNotify, incidentSubjectOf } from './incident.contract';
import { checkText, invalidIncidentInput } from './incident.errors';
import { INCIDENT_DECLARED, INCIDENT_GROUP_ASSIGNED, type IncidentEscalated, type IncidentEvent, incidentGroupSubjectOf } from './incident.events';
import { type IncidentState, addSeconds, isIncidentActive } from './incident.state';

/** alertIds keeps the first this many; `count` goes on counting. */
export const MAX_INCIDENT_ALERT_IDS = 100;
/** The last escalation level: the routing rule's escalation channels. */
export const LAST_ESCALATION_LEVEL = 2;

/**
 * An alert joins its group's incident while that one is open or acknowledged (count + 1), and
 * opens a new incident otherwise. An alert at or before the incident's `lastAlertSequence` was
 * handled already (a repeated event): nothing.
 */
export function decideOpenFromAlert(group: IncidentState | null, cmd: OpenIncidentFromAlert): IncidentEvent[] {
  const { alert, alertSequence, paging } = cmd.data;
  if (group && alertSequence <= group.lastAlertSequence) return [];
  if (group && isIncidentActive(group)) {
    const alertIds = group.alertIds.length < MAX_INCIDENT_ALERT_IDS && !group.alertIds.includes(alert.id) ? [...group.alertIds, alert.id] : group.alertIds;
    const incident: IncidentState = { ...group, alertIds, count: group.count + 1, lastAlertSequence: alertSequence };
    return [{ type: INCIDENT_ALERT_GROUPED, subject: incidentSubjectOf(group.incidentId), data: { incident, alertId: alert.id, actor: 'system' } }];
  }
  const incident = newIncident(cmd.metadata, { tenantId: alert.tenantId, severity: incidentSeverityOf(alert), alert, alertSequence, summary: alert.message, commander: null });
  return openingEvents(incident, alert.id, paging, 'system');
}

/**
 * Incident command step 1. From an alert whose group has an incident open, the commander takes it
 * (and may change its severity: the targets follow); otherwise a new incident opens, paging the
 * on-call primary like one opened by an alert. The same declaration again decides nothing.
 */
export function decideDeclare(state: IncidentState | null, cmd: DeclareIncident): IncidentEvent[] {
  const { severity, commander, summary, fromAlert, paging, tenantId } = cmd.data;
  const problems: FieldProblem[] = [];
  if (typeof commander !== 'string' || !USER_ID_PATTERN.test(commander)) problems.push({ field: 'commander', message: 'must match [A-Za-z0-9_.@:-]{1,128}' });
  if (severity !== null && !INCIDENT_SEVERITIES.includes(severity)) problems.push({ field: 'severity', message: `must be one of ${INCIDENT_SEVERITIES.join(', ')}` });
  if (severity === null && !fromAlert) problems.push({ field: 'severity', message: 'is required unless the incident is declared from an alert' });
  checkText(problems, 'summary', summary, 500, fromAlert !== null);
  if (problems.length > 0) throw invalidIncidentInput(problems);
  const { now, actor, policy } = cmd.metadata;
  if (fromAlert && state && isIncidentActive(state)) {
    const next = severity ?? state.severity;
    if (state.commander === commander && state.severity === next) return [];
    const ackTargetSeconds = policy.ackTargetSeconds[next];
    const updateIntervalSeconds = policy.updateIntervalSeconds[next];
    const updateDueAt = addSeconds(state.lastUpdateAt ?? now, updateIntervalSeconds);
    const incident: IncidentState = {
      ...state,
      severity: next,
      commander,
      declaredAt: state.declaredAt ?? now,
      declaredBy: state.declaredBy ?? actor,
      ackTargetSeconds,
      ackDueAt: addSeconds(state.openedAt, ackTargetSeconds),
      nextEscalationAt: state.nextEscalationAt && state.lastEscalatedAt ? addSeconds(state.lastEscalatedAt, ackTargetSeconds) : state.nextEscalationAt,
      updateIntervalSeconds,
      updateDueAt,
      nextReminderAt: updateDueAt,
      updateOverdue: false,
    };
    return [{ type: INCIDENT_DECLARED, subject: incidentSubjectOf(state.incidentId), data: { incident, commander, severity: next, previousSeverity: state.severity, actor } }];
  }
  if (!fromAlert && state) return [];
  const alert = fromAlert?.alert ?? null;
  const lastAlertSequence = Math.max(fromAlert?.sequence ?? 0, state?.lastAlertSequence ?? 0);
  const incident = newIncident(cmd.metadata, {
    tenantId,
    severity: severity ?? incidentSeverityOf(alert!),
    alert,
    alertSequence: lastAlertSequence,
    summary: summary ?? alert!.message,
    commander,
  });
  return openingEvents(incident, alert?.id ?? null, paging, actor);
}

/** Whom escalation level `level` pages: 0 the primary, 1 the secondary, 2 the channels; a level nobody holds pages the channels. */
export function notifyOf(level: number, paging: Paging): { notify: IncidentNotify; fallback: boolean } {
  const person = level === 0 ? paging.primary : level === 1 ? paging.secondary : null;
  if (person) return { notify: { level, oncallUserIds: [person], channelIds: [] }, fallback: false };
  return { notify: { level, oncallUserIds: [], channelIds: [...paging.channelIds] }, fallback: level < LAST_ESCALATION_LEVEL };
}

export function escalatedEvent(incident: IncidentState, paging: Paging, reason: IncidentEscalated['data']['reason']): IncidentEscalated {
  return { type: INCIDENT_ESCALATED, subject: incidentSubjectOf(incident.incidentId), data: { incident, ...notifyOf(incident.escalationLevel, paging), reason, actor: 'system' } };
}

function openingEvents(incident: IncidentState, alertId: string | null, paging: Paging, actor: string): IncidentEvent[] {
  return [
    { type: INCIDENT_OPENED, subject: incidentSubjectOf(incident.incidentId), data: { incident, alertId, actor } },
    ...(incident.code !== null ? [{ type: INCIDENT_GROUP_ASSIGNED, subject: incidentGroupSubjectOf(incident.dedupKey), data: { dedupKey: incident.dedupKey, incidentId: incident.incidentId } } as const] : []),
    escalatedEvent(incident, paging, 'opened'),
  ];
}

interface NewIncident {
  tenantId: string;
  severity: IncidentSeverity;
  alert: AlertRecord | null;
  alertSequence: number;
  summary: string;
  commander: string | null;
}

function newIncident(meta: IncidentCommandMetadata, input: NewIncident): IncidentState {
  const { now, actor, policy, incidentId } = meta;
  const { tenantId, severity, alert, commander } = input;
  const ackTargetSeconds = policy.ackTargetSeconds[severity];
  const updateIntervalSeconds = policy.updateIntervalSeconds[severity];
  const ackDueAt = addSeconds(now, ackTargetSeconds);
  const updateDueAt = commander ? addSeconds(now, updateIntervalSeconds) : null;
  return {
    incidentId,
    tenantId,
    severity,
    status: 'open',
    dedupKey: alert ? incidentDedupKey(alert) : `oars-${sha256Hex(`${tenantId}\u0000${incidentId}`).slice(0, 32)}`,
    code: alert?.code ?? null,
    target: alert ? alertTargetOf(alert) : null,
    alertSeverity: alert?.severity ?? null,
    summary: input.summary,
    alertIds: alert ? [alert.id] : [],
    count: alert ? 1 : 0,
    openedAt: now,
    ackDueAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalationLevel: 0,
    source: commander ? 'declared' : 'alert',
    commander,
    declaredAt: commander ? now : null,
    declaredBy: commander ? actor : null,
    ackTargetSeconds,
    timeToAcknowledgeSeconds: null,
    acknowledgedWithinTarget: null,
    lastEscalatedAt: now,
    nextEscalationAt: ackDueAt,
    lastAlertSequence: input.alertSequence,
    updateIntervalSeconds,
    lastUpdateAt: null,
    updateDueAt,
    nextReminderAt: updateDueAt,
    updateOverdue: false,
    updatesPosted: 0,
    remindersSent: 0,
    mitigatedAt: null,
    evidence: [],
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    closedAt: null,
    closedBy: null,
    rca: null,
    correctiveActions: [],
  };
}
