import { deepFreeze } from './deep-freeze';
import type { PolicyDocument, PolicyRule } from './policy.types';

const EPOCH = '1970-01-01T00:00:00.000Z';
const CACHE_LIMIT = 10_000;

/** The three rules of the OARS v1 built-in default policy (§2.3). */
export const DEFAULT_POLICY_RULES: readonly PolicyRule[] = deepFreeze([
  {
    id: 'R-CRITICAL-DENY',
    description: 'Critical destructive operations are denied by default.',
    priority: 100,
    match: { operations: ['drop_database'] },
    decision: 'deny',
  },
  {
    id: 'R-HIGH-APPROVAL',
    description: 'High-risk operations require human approval.',
    priority: 80,
    match: { riskTiers: ['high', 'critical'] },
    decision: 'approve',
  },
  {
    id: 'R-ALLOW-DEFAULT',
    description: 'All remaining actions are allowed.',
    priority: 10,
    match: {},
    decision: 'allow',
  },
]);

const byTenant = new Map<string, PolicyDocument>();

/**
 * The policy of a tenant with no published policy: `default_<tenantId>`, version `default-1`.
 * Returns the same frozen document per tenant, so its hash and sorted rules are computed once.
 */
export function builtInDefaultPolicy(tenantId: string): PolicyDocument {
  let policy = byTenant.get(tenantId);
  if (!policy) {
    if (byTenant.size >= CACHE_LIMIT) byTenant.clear();
    policy = deepFreeze({
      id: `default_${tenantId}`,
      tenantId,
      version: 'default-1',
      status: 'published',
      rules: DEFAULT_POLICY_RULES as PolicyRule[],
      createdAt: EPOCH,
      updatedAt: EPOCH,
    } satisfies PolicyDocument);
    byTenant.set(tenantId, policy);
  }
  return policy;
}
