import type { PolicyDocument } from '@oars/policy';
import { POLICY_CREATED, POLICY_PUBLISHED, POLICY_ROLLED_BACK, type PolicyEvent } from './policy.events';

/**
 * What policy decisions look at: the documents created (as created, status `draft`) and the
 * tenant's policy set (the document in force and every id ever in force). A command handler builds
 * it from two receipts, the policy's `policy.created` and the latest published one, because the
 * latest published receipt carries the whole policy-set snapshot.
 */
export interface PolicyState {
  readonly policies: ReadonlyMap<string, PolicyDocument>;
  readonly published: PolicyDocument | null;
  readonly publishedPolicyIds: readonly string[];
}

export const initialPolicyState: PolicyState = Object.freeze({ policies: new Map(), published: null, publishedPolicyIds: [] });

export function evolvePolicyState(state: PolicyState, event: PolicyEvent): PolicyState {
  switch (event.type) {
    case POLICY_CREATED: {
      const policies = new Map(state.policies);
      policies.set(event.data.policy.id, event.data.policy);
      return { ...state, policies };
    }
    case POLICY_PUBLISHED:
    case POLICY_ROLLED_BACK:
      return { ...state, published: event.data.policy, publishedPolicyIds: event.data.publishedPolicyIds };
    default: {
      const never: never = event;
      throw new Error(`unknown policy event ${JSON.stringify(never)}`);
    }
  }
}

/** The state after `events`, in order. */
export function policyStateOf(events: readonly (PolicyEvent | null)[]): PolicyState {
  return events.reduce<PolicyState>((state, e) => (e ? evolvePolicyState(state, e) : state), initialPolicyState);
}
