import type { SqlExecutor } from '@oars/db';
import { type CoverageWindow, EVIDENCE_NODE_TYPES, type EvidenceNodeType, type EvidenceSelector } from '@oars/domain';
import { evidenceNodeId, receiptNodePayload } from './evidence-graph.fold';
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

// Receipt nodes are not stored: each is its row in `receipts` (VIRTUAL_NODE_TYPES), with the same
// facts under the same column names, `type` for `receipt_type` and `ts` for `occurred_at`,
// `created_at` and `updated_at`. The queries below read both tables as one graph.

/** `GET /v1/admin/evidence/graph/status` without `generatedAt`: nodes per type (every type, 0 when none) and edges. */
export async function evidenceGraphCounts(sql: SqlExecutor, tenantId: string): Promise<{ nodeCounts: Record<EvidenceNodeType, number>; edgeCount: number }> {
  const { rows } = await sql.query<{ node_type: EvidenceNodeType; n: string | number }>('SELECT node_type, count(*) AS n FROM evidence_nodes WHERE tenant_id = $1 GROUP BY node_type', [tenantId]);
  const nodeCounts = Object.fromEntries(EVIDENCE_NODE_TYPES.map((t) => [t, 0])) as Record<EvidenceNodeType, number>;
  for (const row of rows) nodeCounts[row.node_type] = Number(row.n);
  // Stored edges, plus the ones each receipt node's columns imply (DERIVED_RELATIONS: not stored).
  const receipts = await sql.query<{ receipts: string | number; implied: string | number; stored: string | number }>(
    `SELECT count(*) AS receipts, count(action_id) + count(policy_version) + count(actor_agent_id) + count(actor_user_id) AS implied,
            (SELECT count(*) FROM evidence_edges WHERE tenant_id = $1) AS stored
       FROM receipts WHERE tenant_id = $1`,
    [tenantId],
  );
  const counted = receipts.rows[0];
  nodeCounts.receipt = Number(counted?.receipts ?? 0);
  return { nodeCounts, edgeCount: Number(counted?.implied ?? 0) + Number(counted?.stored ?? 0) };
}

interface NodeListRow {
  node_id: string | null;
  node_type: EvidenceNodeType;
  ref_id: string;
  payload: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  action_id: string | null;
  receipt_type: string | null;
  decision: string | null;
  sequence: string | number | null;
}

const STORED_NODES = `SELECT node_id, node_type, ref_id, payload, created_at, updated_at,
    NULL::text AS action_id, NULL::text AS receipt_type, NULL::text AS decision, NULL::bigint AS sequence
  FROM evidence_nodes WHERE tenant_id = $1`;
const RECEIPT_NODES = `SELECT NULL::text AS node_id, 'receipt'::text AS node_type, receipt_id AS ref_id, NULL::text AS payload, ts AS created_at, ts AS updated_at,
    action_id, type AS receipt_type, policy_decision AS decision, sequence
  FROM receipts WHERE tenant_id = $1`;
/** Most recently updated first; (node_type, ref_id) is unique in a tenant's graph. */
const NODE_ORDER = 'ORDER BY updated_at DESC, node_type, ref_id';

/** `GET /v1/admin/evidence/graph/nodes`: one page of nodes (all types, or one), most recently updated first. */
export async function listEvidenceNodes(
  sql: SqlExecutor,
  q: { tenantId: string; nodeType: EvidenceNodeType | null; page: number; pageSize: number },
): Promise<{ items: EvidenceGraphNode[]; total: number }> {
  const offset = (q.page - 1) * q.pageSize;
  const receiptsOnly = q.nodeType === 'receipt';
  const storedOnly = q.nodeType !== null && !receiptsOnly;
  const stored = storedOnly ? `${STORED_NODES} AND node_type = $4` : STORED_NODES;
  // Each side's first offset + pageSize nodes hold the page: their merge, in the same order, gives it.
  const sides = [...(receiptsOnly ? [] : [stored]), ...(storedOnly ? [] : [RECEIPT_NODES])];
  const page = await sql.query<NodeListRow>(
    `SELECT * FROM (${sides.map((side) => `(${side} ${NODE_ORDER} LIMIT $2::int + $3::int)`).join(' UNION ALL ')}) AS nodes ${NODE_ORDER} LIMIT $2::int OFFSET $3::int`,
    [q.tenantId, q.pageSize, offset, ...(storedOnly ? [q.nodeType] : [])],
  );
  const counts = await sql.query<{ n: string | number }>(
    `SELECT ${[
      ...(receiptsOnly ? [] : [`(SELECT count(*) FROM evidence_nodes WHERE tenant_id = $1${storedOnly ? ' AND node_type = $2' : ''})`]),
      ...(storedOnly ? [] : ['(SELECT count(*) FROM receipts WHERE tenant_id = $1)']),
    ].join(' + ')} AS n`,
    [q.tenantId, ...(storedOnly ? [q.nodeType] : [])],
  );
  return { items: page.rows.map((row) => nodeOf(q.tenantId, row)), total: Number(counts.rows[0]?.n ?? 0) };
}

function nodeOf(tenantId: string, r: NodeListRow): EvidenceGraphNode {
  const createdAt = iso(r.created_at);
  const updatedAt = iso(r.updated_at);
  if (r.node_id !== null) {
    return { id: r.node_id, tenantId, nodeType: r.node_type, refId: r.ref_id, payload: JSON.parse(r.payload!) as Record<string, unknown>, createdAt, updatedAt };
  }
  const payload = receiptNodePayload(r.ref_id, r.action_id, r.receipt_type!, r.decision, createdAt, Number(r.sequence));
  return { id: evidenceNodeId(tenantId, 'receipt', r.ref_id), tenantId, nodeType: 'receipt', refId: r.ref_id, payload, createdAt, updatedAt };
}

const REQUIRED_COLUMN = { action: 'action_id', actor: 'actor_agent_id', policy: 'policy_decision' } as const;

/** Where a selector's nodes are: the graph's own rows, or (receipt nodes) the `receipts` read model. */
const NODE_TABLES = {
  stored: { from: 'evidence_nodes', receiptType: 'receipt_type', occurredAt: 'occurred_at' },
  receipts: { from: 'receipts', receiptType: 'type', occurredAt: 'ts' },
} as const;

/**
 * How many nodes of the tenant each selector picks among those that happened inside `window`
 * (inclusive): one scan of the window per table, one count per selector (identical selectors
 * counted once).
 */
export async function countEvidence(sql: SqlExecutor, tenantId: string, window: CoverageWindow, selectors: readonly EvidenceSelector[]): Promise<number[]> {
  const keys = selectors.map((s) => JSON.stringify(s));
  const distinct = [...new Set(keys)].map((key) => ({ key, selector: JSON.parse(key) as EvidenceSelector }));
  const found = new Map<string, number>();
  for (const table of ['stored', 'receipts'] as const) {
    const here = distinct.filter((d) => (d.selector.nodeType === 'receipt') === (table === 'receipts'));
    if (here.length === 0) continue;
    const counts = await countIn(sql, NODE_TABLES[table], tenantId, window, here.map((d) => d.selector));
    here.forEach((d, i) => found.set(d.key, counts[i]!));
  }
  return keys.map((key) => found.get(key) ?? 0);
}

async function countIn(sql: SqlExecutor, table: (typeof NODE_TABLES)[keyof typeof NODE_TABLES], tenantId: string, window: CoverageWindow, selectors: readonly EvidenceSelector[]): Promise<number[]> {
  const params: unknown[] = [tenantId, window.from, window.to];
  const counts = selectors.map((s) => {
    const where: string[] = [];
    if (table.from === 'evidence_nodes') {
      params.push(s.nodeType);
      where.push(`node_type = $${params.length}`);
    }
    if (s.receiptTypes) {
      params.push(s.receiptTypes);
      where.push(`${table.receiptType} = ANY($${params.length}::text[])`);
    }
    if (s.requires) where.push(`${REQUIRED_COLUMN[s.requires]} IS NOT NULL`);
    if (s.framework) {
      // A receipt node records no framework.
      if (table.from === 'receipts') where.push('false');
      else {
        params.push(s.framework);
        where.push(`framework = $${params.length}`);
      }
    }
    where.push(...receiptFilterConditions(s.receiptFilters, params));
    return where.length === 0 ? 'count(*)' : `count(*) FILTER (WHERE ${where.join(' AND ')})`;
  });
  const { rows } = await sql.query<Record<string, string | number>>(
    `SELECT ${counts.map((c, i) => `${c} AS c${i}`).join(', ')} FROM ${table.from}
      WHERE tenant_id = $1 AND ${table.occurredAt} >= $2::timestamptz AND ${table.occurredAt} <= $3::timestamptz`,
    params,
  );
  const row = rows[0] ?? {};
  return selectors.map((_, i) => Number(row[`c${i}`] ?? 0));
}
