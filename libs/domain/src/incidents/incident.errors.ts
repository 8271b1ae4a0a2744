import type { FieldProblem } from '../oncall';

export type IncidentErrorCode =
  | 'incident_not_found' | 'incident_not_open' | 'incident_not_resolved' | 'incident_closed' | 'corrective_action_not_found' | 'alert_not_found' | 'validation_error';

/** A refused incident command, with a stable code (and, for a validation error, the fields at fault). */
export class IncidentError extends Error {
  constructor(
    readonly code: IncidentErrorCode,
    message: string,
    readonly problems?: FieldProblem[],
  ) {
    super(message);
    this.name = 'IncidentError';
  }
}

export const incidentNotFound = (incidentId: string) => new IncidentError('incident_not_found', `Incident ${incidentId} not found.`);

export function invalidIncidentInput(problems: FieldProblem[]): IncidentError {
  return new IncidentError('validation_error', `Invalid request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
}

/** Collects the problems of text fields: non-blank, at most `max` characters. */
export function checkText(problems: FieldProblem[], field: string, value: unknown, max: number, optional = false): void {
  if (optional && (value === null || value === undefined)) return;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) problems.push({ field, message: `must be a non-blank string of at most ${max} characters` });
}
