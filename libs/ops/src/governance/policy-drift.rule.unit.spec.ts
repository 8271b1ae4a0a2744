import { policyHash } from '@oars/policy';
import type { PolicyDocument } from '@oars/policy';
import { ReceiptStreamBuilder, decidedWith, givenActionDecided, givenActionRequested, givenPolicyDocument } from '@oars/testing';
import { type PolicyPublication, policyDriftAlert, policyInForceAt } from './policy-drift.rule';

const TENANT = 'tenant_drift';
const v1 = givenPolicyDocument(TENANT, 'v1');
const v2 = givenPolicyDocument(TENANT, 'v2');
const published = (sequence: number, doc = v1): PolicyPublication => ({ sequence, policySetId: doc.id, policyVersion: doc.version, policyHash: policyHash(doc) });

describe('policyInForceAt', () => {
  const history = [published(3), published(10, v2), published(20)];

  it('is the latest publication strictly before the position', () => {
    expect(policyInForceAt(history, 4)).toBe(history[0]);
    expect(policyInForceAt(history, 10)).toBe(history[0]);
    expect(policyInForceAt(history, 11)).toBe(history[1]);
    expect(policyInForceAt(history, 500)).toBe(history[2]);
  });

  it('is null before the first publication', () => {
    expect(policyInForceAt(history, 3)).toBeNull();
    expect(policyInForceAt([], 9)).toBeNull();
  });
});

describe('policyDriftAlert', () => {
  const stream = new ReceiptStreamBuilder(TENANT);
  /** A request and its decision, both carrying the evaluation under `doc` (as the submit handler writes them). */
  const decidedUnder = (doc: PolicyDocument, decision: 'allow' | 'deny' = 'allow') => {
    const requested = givenActionRequested(stream);
    requested.policy = { policySetId: '', policyVersion: '', policyHash: '', decision, ruleIds: [], rationale: '' };
    return decidedWith([requested, givenActionDecided(stream, requested, decision)], doc);
  };

  it('raises nothing for a request decided under the policy in force', () => {
    const [requested] = decidedUnder(v2);
    expect(policyDriftAlert(requested!, published(1, v2))).toBeNull();
  });

  it('raises POLICY_DRIFT (high) for a request decided under another policy, naming both', () => {
    const [requested] = decidedUnder(v1, 'deny');
    const alert = policyDriftAlert(requested!, published(2, v2))!;
    expect(alert).toMatchObject({
      tenantId: TENANT,
      actionId: requested!.actionId,
      severity: 'high',
      code: 'POLICY_DRIFT',
      message: `Action decided (deny) under policy ${v1.id} vv1, not the policy in force (${v2.id} vv2).`,
      createdAt: requested!.timestamp,
      metadata: {
        target: `policy:${v2.id}`,
        sequence: requested!.sequence,
        decisionPolicy: { policySetId: v1.id, policyVersion: 'v1', policyHash: policyHash(v1) },
        policyInForce: published(2, v2),
      },
    });
    expect(policyDriftAlert(requested!, published(2, v2))!.id).toBe(alert.id);
  });

  it('only looks at action requests (the decision receipt carries the same evaluation)', () => {
    const receipts = decidedUnder(v1);
    expect(policyDriftAlert(receipts[1]!, published(2, v2))).toBeNull();
  });
});
