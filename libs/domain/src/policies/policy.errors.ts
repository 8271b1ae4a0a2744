import type { PolicyValidationProblem } from '@oars/policy';

/** Submitted policy content is invalid; `problems` name every bad field (`rules[2].match.toolIds`). */
export class InvalidPolicyError extends Error {
  readonly code = 'validation_error';
  constructor(readonly problems: PolicyValidationProblem[]) {
    super(`Invalid request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`);
    this.name = 'InvalidPolicyError';
  }
}

/** No such policy in the tenant (other tenants' policies are reported the same way). */
export class PolicyNotFoundError extends Error {
  readonly code = 'policy_not_found';
  constructor(readonly policyId: string) {
    super('Policy not found.');
    this.name = 'PolicyNotFoundError';
  }
}

/** Rollback to the policy already in force. */
export class PolicyAlreadyPublishedError extends Error {
  readonly code = 'policy_already_published';
  constructor(readonly policyId: string) {
    super(`Policy is already published: ${policyId}`);
    this.name = 'PolicyAlreadyPublishedError';
  }
}

/** Rollback to a policy that was never in force: that is a publish, not a rollback. */
export class PolicyNeverPublishedError extends Error {
  readonly code = 'policy_never_published';
  constructor(readonly policyId: string) {
    super(`Policy was never published, so it cannot be rolled back to: ${policyId}`);
    this.name = 'PolicyNeverPublishedError';
  }
}

/** The same Idempotency-Key was used to create a different policy. */
export class PolicyIdempotencyConflictError extends Error {
  readonly code = 'idempotency_conflict';
  constructor() {
    super('Idempotency-Key was already used with a different request payload.');
    this.name = 'PolicyIdempotencyConflictError';
  }
}
