import type { SqlExecutor } from '@oars/db';
import { type CoverageWindow, EVIDENCE_NODE_TYPES, type EvidenceNodeType, type EvidenceSelector } from '@oars/domain';
import { receiptFilterConditions } from './receipt-filter.sql';

/** OARS v1 EvidenceGraphNodeRecord. */
export interface EvidenceGraphNode {
  id: string;
  tenantId: string;
  nodeType: EvidenceNodeType;
  refId: string;
  payload: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

/** `GET /v1/admin/evidence/graph/status` without `generatedAt`: nodes per type (every type, 0 when none) and edges. */
export async function evidenceGraphCounts(sql: SqlExecutor, tenantId: string): Promise<{ nodeCounts: Record<EvidenceNodeType, number>; edgeCount: number }> {
  const { rows } = await sql.query<{ node_type: EvidenceNodeType; n: string | number }>('SELECT node_type, count(*) AS n FROM evidence_nodes WHERE tenant_id = $1 GROUP BY node_type', [tenantId]);
  const nodeCounts = Object.fromEntries(EVIDENCE_NODE_TYPES.map((t) => [t, 0])) as Record<EvidenceNodeType, number>;
  for (const row of rows) nodeCounts[row.node_type] = Number(row.n);
  // Stored edges, plus the ones each receipt node's columns imply (DERIVED_RELATIONS: not stored).
  const edges = await sql.query<{ n: string | number }>(
    `SELECT (SELECT count(*) FROM evidence_edges WHERE tenant_id = $1)
          + (SELECT count(action_id) + count(policy_version) + count(actor_agent_id) + count(actor_user_id)
               FROM evidence_nodes WHERE tenant_id = $1 AND node_type = 'receipt') AS n`,
    [tenantId],
  );
  return { nodeCounts, edgeCount: Number(edges.rows[0]?.n ?? 0) };
}

/** `GET /v1/admin/evidence/graph/nodes`: one page of nodes (all types, or one), most recently updated first. */
export async function listEvidenceNodes(
  sql: SqlExecutor,
  q: { tenantId: string; nodeType: EvidenceNodeType | null; page: number; pageSize: number },
): Promise<{ items: EvidenceGraphNode[]; total: number }> {
  const params: unknown[] = [q.tenantId];
  const where = ['tenant_id = $1'];
  if (q.nodeType) {
    params.push(q.nodeType);
    where.push(`node_type = $${params.length}`);
  }
  const total = await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM evidence_nodes WHERE ${where.join(' AND ')}`, params);
  const { rows } = await sql.query<{ node_id: string; tenant_id: string; node_type: EvidenceNodeType; ref_id: string; payload: string; created_at: Date | string; updated_at: Date | string }>(
    `SELECT node_id, tenant_id, node_type, ref_id, payload, created_at, updated_at FROM evidence_nodes WHERE ${where.join(' AND ')}
      ORDER BY updated_at DESC, node_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, q.pageSize, (q.page - 1) * q.pageSize],
  );
  return {
    items: rows.map((r) => ({ id: r.node_id, tenantId: r.tenant_id, nodeType: r.node_type, refId: r.ref_id, payload: JSON.parse(r.payload) as Record<string, unknown>, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) })),
    total: Number(total.rows[0]?.n ?? 0),
  };
}

const REQUIRED_COLUMN = { action: 'action_id', actor: 'actor_agent_id', policy: 'policy_decision' } as const;

/**
 * How many nodes of the tenant each selector picks among those that happened inside `window`
 * (inclusive): one scan of the window, one count per selector (identical selectors counted once).
 */
export async function countEvidence(sql: SqlExecutor, tenantId: string, window: CoverageWindow, selectors: readonly EvidenceSelector[]): Promise<number[]> {
  if (selectors.length === 0) return [];
  const params: unknown[] = [tenantId, window.from, window.to];
  const keys = selectors.map((s) => JSON.stringify(s));
  const distinct = [...new Set(keys)];
  const counts = distinct.map((key) => {
    const s = JSON.parse(key) as EvidenceSelector;
    params.push(s.nodeType);
    const where = [`node_type = $${params.length}`];
    if (s.receiptTypes) {
      params.push(s.receiptTypes);
      where.push(`receipt_type = ANY($${params.length}::text[])`);
    }
    if (s.requires) where.push(`${REQUIRED_COLUMN[s.requires]} IS NOT NULL`);
    if (s.framework) {
      params.push(s.framework);
      where.push(`framework = $${params.length}`);
    }
    where.push(...receiptFilterConditions(s.receiptFilters, params));
    return `count(*) FILTER (WHERE ${where.join(' AND ')})`;
  });
  const { rows } = await sql.query<Record<string, string | number>>(
    `SELECT ${counts.map((c, i) => `${c} AS c${i}`).join(', ')} FROM evidence_nodes
      WHERE tenant_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at <= $3::timestamptz`,
    params,
  );
  const row = rows[0] ?? {};
  return keys.map((key) => Number(row[`c${distinct.indexOf(key)}`] ?? 0));
}
