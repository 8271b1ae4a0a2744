/** Who asks and when: time and ids come in here, never from a clock inside `decide`. */
export interface PolicyCommandMetadata {
  /** ISO-8601 UTC. */
  now: string;
  /** The authenticated caller's subject. */
  actor: string;
}

/** The submitted, not yet validated content of a policy (`POST /v1/policies`). */
export interface PolicyContent {
  version: unknown;
  rules: unknown;
  defaultDecision?: unknown;
  riskConfig?: unknown;
}

export interface CreatePolicy {
  readonly type: 'CreatePolicy';
  readonly data: { tenantId: string; content: PolicyContent };
  /** `policyId`: random, or derived from an Idempotency-Key so a retried create collapses. */
  readonly metadata: PolicyCommandMetadata & { policyId: string };
}

export interface PublishPolicy {
  readonly type: 'PublishPolicy';
  readonly data: { tenantId: string; policyId: string };
  readonly metadata: PolicyCommandMetadata;
}

/** Re-publish a policy that was in force before (OARS v1 "rollback"). */
export interface RollbackPolicy {
  readonly type: 'RollbackPolicy';
  readonly data: { tenantId: string; policyId: string };
  readonly metadata: PolicyCommandMetadata;
}

export type PolicyCommand = CreatePolicy | PublishPolicy | RollbackPolicy;
