import { type PolicyDocument, policyHash } from '@oars/policy';

/** A policy as the API shows it: the OARS v1 PolicyDocument plus its canonical hash (what receipts cite). */
export type PolicyView = PolicyDocument & { policyHash: string };

export function policyViewOf(policy: PolicyDocument): PolicyView {
  return { ...policy, policyHash: policyHash(policy) };
}
