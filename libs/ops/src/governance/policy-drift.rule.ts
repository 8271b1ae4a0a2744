import type { AlertRecord } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { governanceAlertId } from './raise-alert';

/** A policy that was (or is) in force in a stream: published at `sequence` (0: the built-in default). */
export interface PolicyPublication {
  sequence: number;
  policySetId: string;
  policyVersion: string;
  policyHash: string;
}

/**
 * The policy in force at `sequence`: the latest publication (`policy.published` or
 * `policy.rolled_back`) before it, from publications in stream order; null when none precedes it.
 */
export function policyInForceAt(publications: readonly PolicyPublication[], sequence: number): PolicyPublication | null {
  let lo = 0;
  let hi = publications.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (publications[mid]!.sequence < sequence) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? null : publications[lo - 1]!;
}

/**
 * POLICY_DRIFT (high): an action was decided under a policy other than the one in force at its
 * position in the stream. Every `action.requested` receipt carries the evaluation that decided it
 * (`policy.policyHash`, the same on the decision receipt after it); the policy in force there is
 * the latest publication before it, or the tenant's built-in default. A writer deciding with a stale
 * cached policy (another instance published meanwhile) or a decision appended behind the writer's
 * back drifts. One alert per action. Null when the hashes agree or the receipt is no request.
 */
export function policyDriftAlert(receipt: Receipt, inForce: PolicyPublication): AlertRecord | null {
  const decided = receipt.policy;
  if (receipt.type !== 'action.requested' || !receipt.actionId || !decided || decided.policyHash === inForce.policyHash) return null;
  return {
    id: governanceAlertId(receipt.tenantId, 'POLICY_DRIFT', receipt.actionId),
    tenantId: receipt.tenantId,
    actionId: receipt.actionId,
    severity: 'high',
    code: 'POLICY_DRIFT',
    message: `Action decided (${decided.decision}) under policy ${decided.policySetId} v${decided.policyVersion}, not the policy in force (${inForce.policySetId} v${inForce.policyVersion}).`,
    createdAt: receipt.timestamp,
    metadata: {
      target: `policy:${inForce.policySetId}`,
      sequence: receipt.sequence,
      decision: decided.decision,
      decisionPolicy: { policySetId: decided.policySetId, policyVersion: decided.policyVersion, policyHash: decided.policyHash },
      policyInForce: inForce,
    },
  };
}
