/**
 * How the API answers an error that carries a stable snake_case `code` (every domain Error
 * subclass, and the infrastructure errors of the libs): the HTTP status and, where the wire code
 * differs from the domain's, the code and message the API has always answered.
 */
export interface DomainErrorAnswer {
  status: number;
  code?: string;
  message?: string;
}

export const DOMAIN_ERROR_STATUS: Readonly<Record<string, DomainErrorAnswer>> = {
  validation_error: { status: 400 },
  invalid_cursor: { status: 400 },
  unknown_framework: { status: 400 },
  // Who may act: the caller is authenticated but not allowed this decision.
  not_action_requester: { status: 403 },
  approver_not_authorized: { status: 403 },
  separation_of_duties: { status: 403 },
  step_up_required: { status: 403 },
  step_up_invalid: { status: 403 },
  step_up_replayed: { status: 403 },
  not_found: { status: 404 },
  policy_not_found: { status: 404, code: 'not_found', message: 'Policy not found.' },
  control_mapping_not_found: { status: 404, code: 'not_found', message: 'Control mapping not found.' },
  // The aggregate is not in a state that takes the command.
  approval_not_pending: { status: 409 },
  duplicate_approver: { status: 409 },
  action_not_cancelable: { status: 409 },
  action_not_awaiting_result: { status: 409 },
  policy_already_published: { status: 409 },
  policy_never_published: { status: 409 },
  concurrency_conflict: { status: 409 },
  idempotency_conflict: { status: 409 },
  // Evidence exports and proofs.
  invalid_export_window: { status: 400 },
  export_too_large: { status: 400 },
  export_job_not_found: { status: 404, code: 'not_found' },
  unknown_control: { status: 404, code: 'not_found' },
  export_unavailable: { status: 503 },
  proof_unavailable: { status: 503 },
  // Retention and legal holds (v1 answers a hold with request_error).
  legal_hold_active: { status: 400, code: 'request_error' },
  nothing_to_prune: { status: 409 },
  legal_hold_not_found: { status: 404, code: 'not_found' },
  invalid_retention_policy: { status: 400, code: 'validation_error' },
  prune_not_permitted: { status: 409 },
  stream_config_mismatch: { status: 500 },
  dependency_unavailable: { status: 503 },
  signing_key_unavailable: { status: 503 },
  // Alert delivery (docs/alerting.md).
  alert_delivery_not_found: { status: 404, code: 'not_found', message: 'Alert delivery not found.' },
  alert_delivery_not_replayable: { status: 409 },
  // Incidents and on-call (docs/incidents.md).
  incident_not_found: { status: 404, code: 'not_found', message: 'Incident not found.' },
  alert_not_found: { status: 404, code: 'not_found', message: 'Alert not found.' },
  rotation_not_found: { status: 404, code: 'not_found', message: 'Rotation not found.' },
  corrective_action_not_found: { status: 404, code: 'not_found', message: 'Corrective action not found.' },
  incident_not_open: { status: 409 },
  incident_not_resolved: { status: 409 },
  incident_closed: { status: 409 },
};

/** 5xx answers whose message is meant for clients: a dependency or a lagging read model to retry later. */
const RETRY_LATER = new Set(['dependency_unavailable', 'signing_key_unavailable', 'export_unavailable', 'proof_unavailable']);

interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The envelope fields of a coded error: a refusal that names its bad fields (`problems`) is
 * answered with the first one in the message and all of them as details; a 5xx never shows its
 * message unless it is one meant for clients (a dependency to retry later).
 */
export function domainErrorAnswer(err: { code: string; message?: string; problems?: unknown }): { status: number; code: string; message: string; details?: unknown } | null {
  const known = DOMAIN_ERROR_STATUS[err.code];
  if (!known) return null;
  const code = known.code ?? err.code;
  if (known.status >= 500 && !RETRY_LATER.has(code)) return { status: known.status, code, message: 'Unexpected error.' };
  const problems = Array.isArray(err.problems) ? (err.problems as FieldProblem[]) : null;
  if (problems) {
    const first = problems[0];
    return { status: known.status, code, message: first ? `Invalid request: ${first.field} ${first.message}.` : 'Invalid policy.', details: problems };
  }
  return { status: known.status, code, message: known.message ?? err.message ?? code };
}
