import { type FieldProblem, USER_ID_PATTERN } from '../oncall';
import type { ChangeCorrectiveAction, CloseIncident, RecordEvidencePreserved, ResolveIncident } from './incident.commands';
import { INCIDENT_RESOLVED, incidentSubjectOf } from './incident.contract';
import { IncidentError, checkText, invalidIncidentInput } from './incident.errors';
import { INCIDENT_CLOSED, INCIDENT_CORRECTIVE_ACTION_CHANGED, INCIDENT_EVIDENCE_PRESERVED, type IncidentEvent } from './incident.events';
import { CORRECTIVE_ACTION_STATUSES, type CorrectiveAction, type IncidentState } from './incident.state';
import { existing, notClosed } from './incident-response.decide';

export const MAX_CORRECTIVE_ACTIONS = 50;
export const MAX_PRESERVED_TENANTS = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Step 3: the streams' positions and head hashes, found under the legal holds placed for the incident. */
export function decideRecordEvidence(state: IncidentState | null, cmd: RecordEvidencePreserved): IncidentEvent[] {
  const incident = notClosed(state, cmd.metadata.incidentId);
  const { tenants } = cmd.data;
  if (tenants.length === 0 || tenants.length > MAX_PRESERVED_TENANTS) throw invalidIncidentInput([{ field: 'tenantIds', message: `must list 1 to ${MAX_PRESERVED_TENANTS} tenants` }]);
  const { now, actor } = cmd.metadata;
  const preservation = { preservedAt: now, preservedBy: actor, tenants: tenants.map((t) => ({ ...t })) };
  const next: IncidentState = { ...incident, evidence: [...incident.evidence, preservation] };
  return [{ type: INCIDENT_EVIDENCE_PRESERVED, subject: incidentSubjectOf(incident.incidentId), data: { incident: next, preservation, actor } }];
}

/** Resolution stops escalation and the cadence. Resolved already: nothing. */
export function decideResolve(state: IncidentState | null, cmd: ResolveIncident): IncidentEvent[] {
  const incident = notClosed(state, cmd.metadata.incidentId);
  if (incident.status === 'resolved') return [];
  const { resolution } = cmd.data;
  const problems: FieldProblem[] = [];
  checkText(problems, 'resolution', resolution, 2000, true);
  if (problems.length > 0) throw invalidIncidentInput(problems);
  const { now, actor } = cmd.metadata;
  const next: IncidentState = { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: actor, resolution, nextEscalationAt: null, updateDueAt: null, nextReminderAt: null, updateOverdue: false };
  return [{ type: INCIDENT_RESOLVED, subject: incidentSubjectOf(incident.incidentId), data: { incident: next, resolution, actor } }];
}

/** Step 5: a resolved incident closes with its RCA and at least one corrective action. */
export function decideClose(state: IncidentState | null, cmd: CloseIncident): IncidentEvent[] {
  const incident = notClosed(state, cmd.metadata.incidentId);
  if (incident.status !== 'resolved') throw new IncidentError('incident_not_resolved', `Incident ${incident.incidentId} is ${incident.status}: resolve it before closing it.`);
  const { rca, correctiveActions } = cmd.data;
  const problems: FieldProblem[] = [];
  checkText(problems, 'rca.summary', rca?.summary, 4000);
  checkText(problems, 'rca.rootCause', rca?.rootCause, 4000);
  checkText(problems, 'rca.impact', rca?.impact, 4000, true);
  if (!Array.isArray(correctiveActions) || correctiveActions.length < 1 || correctiveActions.length > MAX_CORRECTIVE_ACTIONS) {
    problems.push({ field: 'correctiveActions', message: `must list 1 to ${MAX_CORRECTIVE_ACTIONS} corrective actions` });
  } else correctiveActions.forEach((a, i) => checkCorrectiveAction(problems, `correctiveActions[${i}]`, a));
  if (problems.length > 0) throw invalidIncidentInput(problems);
  const { now, actor } = cmd.metadata;
  const actions = correctiveActions.map((a) => ({ ...a }));
  const closedRca = { summary: rca.summary, rootCause: rca.rootCause, impact: rca.impact ?? null };
  const next: IncidentState = { ...incident, status: 'closed', closedAt: now, closedBy: actor, rca: closedRca, correctiveActions: actions };
  return [{ type: INCIDENT_CLOSED, subject: incidentSubjectOf(incident.incidentId), data: { incident: next, rca: closedRca, correctiveActions: actions, actor } }];
}

/** A corrective action's status moves on (after close, where they are recorded). The same status: nothing. */
export function decideChangeCorrectiveAction(state: IncidentState | null, cmd: ChangeCorrectiveAction): IncidentEvent[] {
  const incident = existing(state, cmd.metadata.incidentId);
  const { correctiveActionId, status } = cmd.data;
  const action = incident.correctiveActions.find((a) => a.correctiveActionId === correctiveActionId);
  if (!action) throw new IncidentError('corrective_action_not_found', `Incident ${incident.incidentId} has no corrective action ${correctiveActionId}.`);
  if (!CORRECTIVE_ACTION_STATUSES.includes(status)) throw invalidIncidentInput([{ field: 'status', message: `must be one of ${CORRECTIVE_ACTION_STATUSES.join(', ')}` }]);
  if (action.status === status) return [];
  const changed: CorrectiveAction = { ...action, status };
  const next: IncidentState = { ...incident, correctiveActions: incident.correctiveActions.map((a) => (a === action ? changed : a)) };
  return [{ type: INCIDENT_CORRECTIVE_ACTION_CHANGED, subject: incidentSubjectOf(incident.incidentId), data: { incident: next, correctiveAction: changed, previousStatus: action.status, actor: cmd.metadata.actor } }];
}

function checkCorrectiveAction(problems: FieldProblem[], field: string, action: CorrectiveAction): void {
  checkText(problems, `${field}.description`, action?.description, 1000);
  if (typeof action?.owner !== 'string' || !USER_ID_PATTERN.test(action.owner)) problems.push({ field: `${field}.owner`, message: 'must match [A-Za-z0-9_.@:-]{1,128}' });
  if (typeof action?.dueDate !== 'string' || !DATE.test(action.dueDate) || !Number.isFinite(Date.parse(`${action.dueDate}T00:00:00Z`))) problems.push({ field: `${field}.dueDate`, message: 'must be a date YYYY-MM-DD' });
  if (!CORRECTIVE_ACTION_STATUSES.includes(action?.status)) problems.push({ field: `${field}.status`, message: `must be one of ${CORRECTIVE_ACTION_STATUSES.join(', ')}` });
}
