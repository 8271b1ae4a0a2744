import { hashCanonical } from '@oars/receipts';
import type { PolicyDocument } from './policy.types';

/**
 * What a policy hash commits to: everything that can change a decision, and nothing that cannot
 * (status and timestamps flip on publish/rollback without changing what the policy decides).
 * Rules are hashed in document order, because ties in priority are broken by that order.
 */
export function policyHashInput(policy: PolicyDocument): Record<string, unknown> {
  return {
    id: policy.id,
    tenantId: policy.tenantId,
    version: policy.version,
    rules: policy.rules,
    defaultDecision: policy.defaultDecision ?? null,
    riskConfig: policy.riskConfig ?? null,
  };
}

/** SHA-256 hex of the RFC 8785 canonical JSON of policyHashInput (uncached; evaluatePolicy caches it). */
export function computePolicyHash(policy: PolicyDocument): string {
  return hashCanonical(policyHashInput(policy));
}
