import { type AlertRecord, type AlertSeverity, type IncidentSeverity, incidentDedupKey } from '../alerts';
import { INCIDENT_ACKNOWLEDGED, INCIDENT_ESCALATED, INCIDENT_RESOLVED, type IncidentNotify, type IncidentSnapshot } from '../incidents';
import type { AlertNotification, AlertNotificationKind } from './alert-delivery.types';

/** The incident receipts delivery reacts to, and what each notifies. */
export const INCIDENT_NOTIFICATION_KINDS: Readonly<Record<string, AlertNotificationKind>> = {
  [INCIDENT_ACKNOWLEDGED]: 'acknowledge',
  [INCIDENT_RESOLVED]: 'resolve',
  [INCIDENT_ESCALATED]: 'escalate',
};

/** The alert severity whose routing rule an incident follows when it names none (declared by hand). */
const ALERT_SEVERITY_OF_INCIDENT: Readonly<Record<IncidentSeverity, AlertSeverity>> = { SEV1: 'critical', SEV2: 'high', SEV3: 'medium' };

/** An alert's notification: a trigger carrying the whole AlertRecord, keyed by its incident. */
export function alertNotificationOf(alert: AlertRecord): AlertNotification {
  return { kind: 'trigger', dedupKey: incidentDedupKey(alert), alert, incident: null };
}

export function incidentAlertSeverity(incident: Pick<IncidentSnapshot, 'alertSeverity' | 'severity'>): AlertSeverity {
  return incident.alertSeverity ?? ALERT_SEVERITY_OF_INCIDENT[incident.severity] ?? 'critical';
}

/**
 * The notification an incident receipt asks for (acknowledged, resolved, escalated), from the
 * snapshot it carries as `data.incident`; null for other receipts or a snapshot without its dedup key.
 */
export function incidentNotificationOf(type: string, data: { incident?: unknown; notify?: unknown; reason?: unknown }): AlertNotification | null {
  const kind = INCIDENT_NOTIFICATION_KINDS[type];
  const incident = data.incident as IncidentSnapshot | undefined;
  if (!kind || !incident || typeof incident.incidentId !== 'string' || typeof incident.dedupKey !== 'string' || incident.dedupKey === '') return null;
  const notify = kind === 'escalate' ? (data.notify as IncidentNotify | undefined) : undefined;
  return {
    kind,
    dedupKey: incident.dedupKey,
    alert: null,
    incident: {
      incidentId: incident.incidentId,
      tenantId: incident.tenantId,
      severity: incident.severity,
      status: incident.status,
      summary: typeof incident.summary === 'string' ? incident.summary : '',
      code: incident.code ?? null,
      alertSeverity: incidentAlertSeverity(incident),
      escalationLevel: notify?.level ?? incident.escalationLevel ?? 0,
      oncallUserIds: Array.isArray(notify?.oncallUserIds) ? notify!.oncallUserIds.filter((u) => typeof u === 'string') : [],
      reason: kind === 'escalate' && typeof data.reason === 'string' ? data.reason : null,
    },
  };
}

/**
 * An `incident.escalated` of the incident's opening (`reason: opened`) for an incident an alert
 * opened: that alert's own delivery reached the channels of its routing rule already, with the same
 * dedup key, so those channels need no second notice of it.
 */
export function escalatesOpeningAlert(data: { incident?: unknown; reason?: unknown }): boolean {
  const alertIds = (data.incident as Partial<IncidentSnapshot> | undefined)?.alertIds;
  return data.reason === 'opened' && Array.isArray(alertIds) && alertIds.length > 0;
}

/** The channel ids `incident.escalated` names (`data.notify.channelIds`). */
export function escalationChannelIds(data: { notify?: unknown }): string[] {
  const ids = (data.notify as IncidentNotify | undefined)?.channelIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}
