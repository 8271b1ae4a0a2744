import type { SqlExecutor } from '@oars/db';
import type { ApprovalState, EvidenceNodeType } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import type { ReadModelProjection } from '../read-model';
import { type EvidenceEdgeRow, type EvidenceNodeRow, approvalsToLoad, foldEvidenceGraph } from './evidence-graph.fold';

const ROWS_PER_STATEMENT = 500;

/**
 * Edges from or to a receipt node that its columns say exist: HAS_RECEIPT (action_id),
 * EVALUATED_BY_POLICY (policy_version), ACTED_BY (actor_agent_id, actor_user_id).
 */
export const DERIVED_RELATIONS: ReadonlySet<string> = new Set(['HAS_RECEIPT', 'EVALUATED_BY_POLICY', 'ACTED_BY']);
/**
 * Node types the graph reads from another read model instead of storing: a receipt node is its row
 * in `receipts` (same columns), an action node its action's receipts there (the first and the
 * latest). Together they were four of every five rows the graph wrote for an action.
 */
export const VIRTUAL_NODE_TYPES: ReadonlySet<EvidenceNodeType> = new Set(['receipt', 'action']);
const NODE_COLUMNS = 19;
const EDGE_COLUMNS = 6;

/**
 * The `evidence_graph` read model: the nodes and edges of `foldEvidenceGraph`. A node only moves
 * forward (`last_sequence` guards the upsert; it keeps its first `created_at` and `occurred_at`),
 * an edge is inserted once, so re-applying any receipt changes nothing. The approvers of an
 * approval concluded in an earlier batch come from the `approvals` read model, applied before it.
 */
export const evidenceGraphProjection: ReadModelProjection = {
  name: 'evidence_graph',
  tables: ['evidence_nodes', 'evidence_edges'],
  reads: ['approvals'],
  async apply(tx, receipts) {
    if (receipts.length === 0) return;
    // Neither the receipt and action nodes nor the edges the receipts' columns imply (three to four
    // per action receipt) are stored, most of what the graph would write: the queries read them from
    // `receipts` (evidence-graph.queries).
    const { nodes, edges: stored } = foldEvidenceGraph(receipts, await loadApprovals(tx, receipts), { relations: DERIVED_RELATIONS, nodeTypes: VIRTUAL_NODE_TYPES });
    for (let i = 0; i < nodes.length; i += ROWS_PER_STATEMENT) await upsertNodes(tx, nodes.slice(i, i + ROWS_PER_STATEMENT));
    for (let i = 0; i < stored.length; i += ROWS_PER_STATEMENT) await insertEdges(tx, stored.slice(i, i + ROWS_PER_STATEMENT));
  },
};

async function loadApprovals(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<Map<string, ApprovalState>> {
  const ids = approvalsToLoad(receipts);
  if (ids.length === 0) return new Map();
  const tenants = [...new Set(receipts.map((r) => r.tenantId))];
  const { rows } = await tx.query<{ record: string }>('SELECT record FROM approvals WHERE approval_id = ANY($1::text[]) AND tenant_id = ANY($2::text[])', [ids, tenants]);
  return new Map(rows.map((row) => {
    const state = JSON.parse(row.record) as ApprovalState;
    return [state.id, state];
  }));
}

async function upsertNodes(tx: SqlExecutor, nodes: readonly EvidenceNodeRow[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = nodes.map((n, i) => {
    params.push(
      n.tenantId, n.nodeType, n.refId, n.nodeId, JSON.stringify(n.payload), n.receiptType, n.occurredAt, n.actionId, n.toolId, n.operation,
      n.actorUserId, n.actorAgentId, n.policyDecision, n.policyVersion, n.policyRuleIds, n.framework, n.createdAt, n.updatedAt, n.sequence,
    );
    const p = (k: number) => `$${i * NODE_COLUMNS + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::timestamptz, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, ${p(12)}, ${p(13)}, ${p(14)}, ${p(15)}::text[], ${p(16)}, ${p(17)}::timestamptz, ${p(18)}::timestamptz, ${p(19)}::bigint)`;
  });
  await tx.query(
    `INSERT INTO evidence_nodes (tenant_id, node_type, ref_id, node_id, payload, receipt_type, occurred_at, action_id, tool_id, operation,
       actor_user_id, actor_agent_id, policy_decision, policy_version, policy_rule_ids, framework, created_at, updated_at, last_sequence)
     VALUES ${tuples.join(', ')}
     ON CONFLICT (tenant_id, node_type, ref_id) DO UPDATE SET
       payload = EXCLUDED.payload, receipt_type = EXCLUDED.receipt_type, action_id = EXCLUDED.action_id, tool_id = EXCLUDED.tool_id,
       operation = EXCLUDED.operation, actor_user_id = EXCLUDED.actor_user_id, actor_agent_id = EXCLUDED.actor_agent_id,
       policy_decision = EXCLUDED.policy_decision, policy_version = EXCLUDED.policy_version, policy_rule_ids = EXCLUDED.policy_rule_ids,
       framework = EXCLUDED.framework, updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence
     WHERE evidence_nodes.last_sequence < EXCLUDED.last_sequence`,
    params,
  );
}

async function insertEdges(tx: SqlExecutor, edges: readonly EvidenceEdgeRow[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = edges.map((e, i) => {
    params.push(e.tenantId, e.fromNodeId, e.toNodeId, e.relation, e.edgeId, e.createdAt);
    const p = (k: number) => `$${i * EDGE_COLUMNS + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::timestamptz)`;
  });
  await tx.query(
    `INSERT INTO evidence_edges (tenant_id, from_node_id, to_node_id, relation, edge_id, created_at) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
    params,
  );
}
