import { ALERT_RAISED, type AlertRecord, INCIDENT_ALERT_CODES } from '@oars/domain';
import { receiptOf } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';
import type { IncidentService } from './incident.service';

/** The reactor's name: its checkpoints and lease. */
export const INCIDENT_INTAKE_REACTOR = 'incident_intake';

/** The alert an `alert.raised` receipt of `stream` carries, when it is one incidents take in (null otherwise). */
export function intakeAlertOf(stream: string, data: Record<string, unknown>): AlertRecord | null {
  const alert = data.alert as Partial<AlertRecord> | undefined;
  if (!alert || typeof alert.id !== 'string' || typeof alert.code !== 'string' || typeof alert.severity !== 'string' || alert.tenantId !== stream) return null;
  return INCIDENT_ALERT_CODES.includes(alert.code) ? null : (alert as AlertRecord);
}

/**
 * Alerts become incidents: every `alert.raised` (except incidents' own reminders) is grouped into
 * its group's open incident or opens one, which pages the on-call primary. Handling is idempotent
 * (an alert at or before the incident's `lastAlertSequence` changes nothing), and it never parks:
 * an alert without its incident is an ERROR, retried until it works.
 */
export function incidentIntakeReactor(incidents: IncidentService, now: () => Date = () => new Date()): Reactor {
  return {
    name: INCIDENT_INTAKE_REACTOR,
    maxAttempts: Infinity,
    eventTypes: [ALERT_RAISED],
    async handle(event, ctx) {
      const receipt = receiptOf(event);
      const alert = intakeAlertOf(ctx.stream, receipt.data);
      if (alert) await incidents.intakeAlert(ctx.stream, alert, receipt.sequence, now());
    },
  };
}
