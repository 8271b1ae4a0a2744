import type { AlertRecord } from '../alerts';
import { INCIDENT_ACKNOWLEDGED, INCIDENT_ALERT_GROUPED, INCIDENT_ESCALATED, INCIDENT_OPENED, INCIDENT_RESOLVED, type IncidentNotify } from './incident.contract';
import type { CorrectiveAction, CorrectiveActionStatus, EvidencePreservation, IncidentRca, IncidentState, IncidentUpdateStage } from './incident.state';

export const INCIDENT_DECLARED = 'incident.declared';
export const INCIDENT_UPDATE_POSTED = 'incident.update_posted';
export const INCIDENT_UPDATE_OVERDUE = 'incident.update_overdue';
export const INCIDENT_EVIDENCE_PRESERVED = 'incident.evidence_preserved';
export const INCIDENT_CLOSED = 'incident.closed';
export const INCIDENT_CORRECTIVE_ACTION_CHANGED = 'incident.corrective_action_changed';
/** The stream's pointer from an alert group to its latest incident (aggregate `incident_group.<dedupKey>`). */
export const INCIDENT_GROUP_ASSIGNED = 'incident_group.assigned';
export const incidentGroupSubjectOf = (dedupKey: string) => `incident_group.${dedupKey}`;

/** Every receipt type of the incident aggregate: each carries `data.incident`. */
export const INCIDENT_EVENT_TYPES = [
  INCIDENT_OPENED, INCIDENT_ALERT_GROUPED, INCIDENT_DECLARED, INCIDENT_ACKNOWLEDGED, INCIDENT_ESCALATED, INCIDENT_UPDATE_POSTED,
  INCIDENT_UPDATE_OVERDUE, INCIDENT_EVIDENCE_PRESERVED, INCIDENT_RESOLVED, INCIDENT_CLOSED, INCIDENT_CORRECTIVE_ACTION_CHANGED,
] as const;
export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

/**
 * The alert code of a missed status update. Alert codes are the alerts context's union; this one
 * belongs to incidents, and the intake never opens an incident for it (a reminder of a reminder).
 */
export const INCIDENT_UPDATE_OVERDUE_CODE = 'INCIDENT_UPDATE_OVERDUE' as string as AlertRecord['code'];
export const INCIDENT_ALERT_CODES: readonly string[] = [INCIDENT_UPDATE_OVERDUE_CODE];

type Of<T extends IncidentEventType, D> = { readonly type: T; readonly subject: string; readonly data: D & { incident: IncidentState; actor: string } };

export type IncidentOpened = Of<typeof INCIDENT_OPENED, { alertId: string | null }>;
export type IncidentAlertGrouped = Of<typeof INCIDENT_ALERT_GROUPED, { alertId: string }>;
export type IncidentDeclared = Of<typeof INCIDENT_DECLARED, { commander: string; severity: IncidentState['severity']; previousSeverity: IncidentState['severity'] }>;
export type IncidentAcknowledged = Of<typeof INCIDENT_ACKNOWLEDGED, { timeToAcknowledgeSeconds: number; withinTarget: boolean }>;
export type IncidentEscalated = Of<typeof INCIDENT_ESCALATED, { notify: IncidentNotify; reason: 'opened' | 'ack_target_missed'; fallback: boolean }>;
export type IncidentUpdatePosted = Of<typeof INCIDENT_UPDATE_POSTED, { update: { message: string; stage: IncidentUpdateStage | null } }>;
export type IncidentUpdateOverdue = Of<typeof INCIDENT_UPDATE_OVERDUE, { dueAt: string; overdueSeconds: number; alertId: string }>;
export type IncidentEvidencePreserved = Of<typeof INCIDENT_EVIDENCE_PRESERVED, { preservation: EvidencePreservation }>;
export type IncidentResolved = Of<typeof INCIDENT_RESOLVED, { resolution: string | null }>;
export type IncidentClosed = Of<typeof INCIDENT_CLOSED, { rca: IncidentRca; correctiveActions: CorrectiveAction[] }>;
export type IncidentCorrectiveActionChanged = Of<typeof INCIDENT_CORRECTIVE_ACTION_CHANGED, { correctiveAction: CorrectiveAction; previousStatus: CorrectiveActionStatus }>;

export type IncidentChainEvent =
  | IncidentOpened | IncidentAlertGrouped | IncidentDeclared | IncidentAcknowledged | IncidentEscalated | IncidentUpdatePosted
  | IncidentUpdateOverdue | IncidentEvidencePreserved | IncidentResolved | IncidentClosed | IncidentCorrectiveActionChanged;

export interface IncidentGroupAssigned {
  readonly type: typeof INCIDENT_GROUP_ASSIGNED;
  readonly subject: string;
  readonly data: { dedupKey: string; incidentId: string };
}

/** The reminder alert of a missed update: an `alert.raised` of its own aggregate, delivered by alert routing. */
export interface IncidentReminderAlert {
  readonly type: 'alert.raised';
  readonly subject: string;
  readonly data: { alert: AlertRecord };
}

export type IncidentEvent = IncidentChainEvent | IncidentGroupAssigned | IncidentReminderAlert;

export function isIncidentEventType(type: string): type is IncidentEventType {
  return (INCIDENT_EVENT_TYPES as readonly string[]).includes(type);
}
