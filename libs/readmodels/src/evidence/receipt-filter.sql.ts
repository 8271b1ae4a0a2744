import type { ReceiptFilters } from '@oars/domain';

/** The column each filter list matches, the same in `receipts` and `evidence_nodes`. */
const FILTER_COLUMNS = [
  ['toolIds', 'tool_id'],
  ['operations', 'operation'],
  ['policyDecisions', 'policy_decision'],
  ['actorUserIds', 'actor_user_id'],
  ['actorAgentIds', 'actor_agent_id'],
  ['policyVersions', 'policy_version'],
] as const;

/**
 * The SQL conditions of a control mapping's `receiptFilters` (ANDed by the caller): each list is
 * any-of, `policyRuleIds` any overlap. Values are appended to `params`, referenced by position.
 */
export function receiptFilterConditions(filters: ReceiptFilters | null | undefined, params: unknown[]): string[] {
  if (!filters) return [];
  const where: string[] = [];
  for (const [field, column] of FILTER_COLUMNS) {
    const list = filters[field];
    if (list === undefined) continue;
    params.push([...list]);
    where.push(`${column} = ANY($${params.length}::text[])`);
  }
  if (filters.policyRuleIds !== undefined) {
    params.push([...filters.policyRuleIds]);
    where.push(`policy_rule_ids && $${params.length}::text[]`);
  }
  return where;
}
