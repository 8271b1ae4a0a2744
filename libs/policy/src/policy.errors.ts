import type { PolicyValidationProblem } from './validation-problem';

/** `context.requestedAt` is not an ISO-8601 timestamp with a zone (Z or ±hh:mm). */
export class InvalidRequestedAtError extends Error {
  readonly code = 'invalid_requested_at';
  constructor(readonly requestedAt: string) {
    super(`requestedAt must be an ISO-8601 timestamp with a time zone: ${JSON.stringify(requestedAt)}`);
    this.name = 'InvalidRequestedAtError';
  }
}

/** A risk config reached scoring without passing validateRiskConfig; scoring refuses rather than guess. */
export class InvalidRiskConfigError extends Error {
  readonly code = 'invalid_risk_config';
  constructor(readonly problems: PolicyValidationProblem[]) {
    super(`Invalid risk config: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    this.name = 'InvalidRiskConfigError';
  }
}
