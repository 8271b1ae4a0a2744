import type { AlertSeverity, IncidentSeverity } from '../alerts';

/**
 * The contract between incidents and alert delivery: the receipt types of an incident (aggregate
 * subject `incident.<incidentId>`, in the tenant stream, or in the platform stream for platform-wide
 * incidents) and the snapshot every one of them carries as `data.incident`. Delivery reacts to
 * `incident.escalated` (notify `data.notify`), `incident.acknowledged` and `incident.resolved`
 * (PagerDuty acknowledge / resolve with `dedupKey`). Extend the snapshot; never rename a field.
 */
export const INCIDENT_OPENED = 'incident.opened';
export const INCIDENT_ALERT_GROUPED = 'incident.alert_grouped';
export const INCIDENT_ACKNOWLEDGED = 'incident.acknowledged';
export const INCIDENT_ESCALATED = 'incident.escalated';
export const INCIDENT_RESOLVED = 'incident.resolved';
export const incidentSubjectOf = (incidentId: string) => `incident.${incidentId}`;

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved' | 'closed';

/** What every incident receipt carries as `data.incident`. */
export interface IncidentSnapshot {
  incidentId: string;
  tenantId: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** PagerDuty `dedup_key` and the key every delivery of the incident carries (`incidentDedupKey`). */
  dedupKey: string;
  /** The alert code it groups (null for an incident declared by hand). */
  code: string | null;
  target: string | null;
  alertSeverity: AlertSeverity | null;
  summary: string;
  alertIds: string[];
  /** Alerts grouped into it (repeats included). */
  count: number;
  openedAt: string;
  /** When it must be acknowledged by (openedAt + the severity's target). */
  ackDueAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** 0: primary paged; 1: secondary; 2: the routing rule's escalation channels. */
  escalationLevel: number;
}

/** `data.notify` of `incident.escalated`: whom the step pages. */
export interface IncidentNotify {
  level: number;
  /** On-call people paged at this step (their channels are the rule's for the severity). */
  oncallUserIds: string[];
  /** Channel ids to deliver to (OARS_ALERT_CHANNELS ids). */
  channelIds: string[];
}
