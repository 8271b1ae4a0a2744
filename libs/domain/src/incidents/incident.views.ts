import { type IncidentState, isIncidentActive } from './incident.state';

/** The durable timers an incident needs now: the next escalation step and the next cadence reminder (null: none). */
export interface IncidentTimerPlan {
  escalation: { dueAt: string; level: number } | null;
  reminder: { dueAt: string } | null;
}

/** Pure: what the latest snapshot asks of the timers (every incident receipt carries it whole). */
export function incidentTimerPlan(incident: IncidentState): IncidentTimerPlan {
  const escalation = incident.status === 'open' && incident.nextEscalationAt ? { dueAt: incident.nextEscalationAt, level: incident.escalationLevel + 1 } : null;
  const reminder = isIncidentActive(incident) && incident.nextReminderAt ? { dueAt: incident.nextReminderAt } : null;
  return { escalation, reminder };
}

interface Step {
  done: boolean;
  at: string | null;
}

/** The operations manual's five incident-command steps, as the snapshot shows them. */
export interface IncidentLifecycle {
  declare: Step;
  stabilize: Step;
  preserveEvidence: Step;
  communicate: Step & { updatesPosted: number; remindersSent: number; overdue: boolean };
  close: Step;
}

export function incidentLifecycle(incident: IncidentState): IncidentLifecycle {
  const stabilizedAt = incident.mitigatedAt ?? incident.resolvedAt;
  return {
    declare: { done: incident.commander !== null, at: incident.declaredAt },
    stabilize: { done: stabilizedAt !== null, at: stabilizedAt },
    preserveEvidence: { done: incident.evidence.length > 0, at: incident.evidence[0]?.preservedAt ?? null },
    communicate: { done: incident.updatesPosted > 0, at: incident.lastUpdateAt, updatesPosted: incident.updatesPosted, remindersSent: incident.remindersSent, overdue: incident.updateOverdue },
    close: { done: incident.status === 'closed', at: incident.closedAt },
  };
}
