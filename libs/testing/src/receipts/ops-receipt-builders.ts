import { builtInDefaultPolicy, policyHash, type PolicyDocument } from '@oars/policy';
import type { Receipt } from '@oars/receipts';
import { type ActionPath, type ReceiptStreamBuilder, givenActionLifecycle, givenKeyGenerated } from './receipt-builders';

/** Test builders for the ops read model: policies in force, alerts, integrity findings, and a mixed workload. */

export function givenPolicyDocument(tenantId: string, version: string): PolicyDocument {
  return {
    id: `pol_${tenantId}_${version}`,
    tenantId,
    version,
    status: 'published',
    rules: [{ id: `R-${version}`, description: 'allow', priority: 1, match: {}, decision: 'allow' }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

export function givenPolicyPublished(stream: ReceiptStreamBuilder, policy: PolicyDocument, type: 'policy.published' | 'policy.rolled_back' = 'policy.published'): Receipt {
  return stream.next({ type, data: { policy, previousPublishedPolicyId: null, publishedPolicyIds: [policy.id], actor: 'admin_user' } });
}

export function givenAlertRaised(stream: ReceiptStreamBuilder, about: Receipt, severity: 'low' | 'medium' | 'high' | 'critical'): Receipt {
  const id = `alrt_${about.receiptId.slice(5)}`;
  return stream.next({
    type: 'alert.raised',
    data: { alert: { id, tenantId: stream.tenantId, actionId: about.actionId, severity, code: 'POLICY_DENIED', message: 'Action denied by policy.', createdAt: about.timestamp, metadata: {} } },
  });
}

export function givenIntegrityViolation(stream: ReceiptStreamBuilder, sequence: number): Receipt {
  return stream.next({ type: 'integrity.violation_detected', data: { sequence, kind: 'bad_signature', detail: 'Receipt hash mismatch.' } });
}

/** Decisions of `receipts` were made with `policy` (every receipt that carries a policy evaluation). */
export function decidedWith(receipts: Receipt[], policy: PolicyDocument): Receipt[] {
  const hash = policyHash(policy);
  for (const r of receipts) if (r.policy) r.policy = { ...r.policy, policyHash: hash, policySetId: policy.id, policyVersion: policy.version };
  return receipts;
}

const PATHS: ActionPath[] = ['allow', 'deny', 'allow', 'approve_then_execute', 'quarantine', 'allow_fail', 'approve_pending', 'allow'];

/**
 * A tenant's stream: key, then `actions` actions of every path under the built-in default policy,
 * a policy published a third of the way in (decisions after it use it, except every 10th, which
 * drifts), high-risk denials, alerts for denials, and one integrity finding.
 */
export function givenOpsWorkload(stream: ReceiptStreamBuilder, actions: number): Receipt[] {
  const out: Receipt[] = [givenKeyGenerated(stream)];
  const defaults = builtInDefaultPolicy(stream.tenantId);
  const published = givenPolicyDocument(stream.tenantId, 'v2');
  let inForce = defaults;
  for (let i = 0; i < actions; i++) {
    if (i === Math.floor(actions / 3)) {
      out.push(givenPolicyPublished(stream, published));
      inForce = published;
    }
    const path = PATHS[i % PATHS.length]!;
    const receipts = givenActionLifecycle(stream, path, { operation: path === 'deny' || path === 'quarantine' ? 'drop_database' : 'create_ticket' });
    decidedWith(receipts, i % 10 === 9 ? givenPolicyDocument(stream.tenantId, 'stale') : inForce);
    if (path === 'deny' || path === 'quarantine') {
      for (const r of receipts) if (r.risk) r.risk = { score: 95, tier: i % 4 === 1 ? 'critical' : 'medium', signals: ['high_risk_operation'] };
    }
    out.push(...receipts);
    if (path === 'deny') out.push(givenAlertRaised(stream, receipts[1]!, 'medium'));
    if (i === Math.floor(actions / 2)) out.push(givenIntegrityViolation(stream, receipts[0]!.sequence));
  }
  return out;
}
