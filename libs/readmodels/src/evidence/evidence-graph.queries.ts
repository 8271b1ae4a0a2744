import type { SqlExecutor } from '@oars/db';
import { type CoverageWindow, EVIDENCE_NODE_TYPES, type EvidenceNodeType, type EvidenceSelector } from '@oars/domain';
import { actionNodePayload, evidenceNodeId, receiptNodePayload } from './evidence-graph.fold';
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

// Receipt and action nodes are not stored (VIRTUAL_NODE_TYPES): a receipt node is its row in
// `receipts`, with the same facts under the same column names (`type` for `receipt_type`, `ts` for
// `occurred_at`, `created_at` and `updated_at`); an action node is its action's receipts there, the
// first giving `created_at` and `occurred_at`, the latest the rest, as the fold makes them. The
// queries below read the tables as one graph.

/** The latest receipt of each action: `r` has no later receipt of its action. */
const LATEST_OF_ACTION = `r.action_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM receipts later WHERE later.tenant_id = r.tenant_id AND later.action_id = r.action_id AND later.sequence > r.sequence)`;
/** The first receipt of each action. */
const FIRST_OF_ACTION = `r.action_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM receipts earlier WHERE earlier.tenant_id = r.tenant_id AND earlier.action_id = r.action_id AND earlier.sequence < r.sequence)`;

/** `GET /v1/admin/evidence/graph/status` without `generatedAt`: nodes per type (every type, 0 when none) and edges. */
export async function evidenceGraphCounts(sql: SqlExecutor, tenantId: string): Promise<{ nodeCounts: Record<EvidenceNodeType, number>; edgeCount: number }> {
  const { rows } = await sql.query<{ node_type: EvidenceNodeType; n: string | number }>('SELECT node_type, count(*) AS n FROM evidence_nodes WHERE tenant_id = $1 GROUP BY node_type', [tenantId]);
  const nodeCounts = Object.fromEntries(EVIDENCE_NODE_TYPES.map((t) => [t, 0])) as Record<EvidenceNodeType, number>;
  for (const row of rows) nodeCounts[row.node_type] = Number(row.n);
  // Stored edges, plus the ones each receipt node's columns imply (DERIVED_RELATIONS: not stored).
  const receipts = await sql.query<{ receipts: string | number; actions: string | number; implied: string | number; stored: string | number }>(
    `SELECT count(*) AS receipts, count(DISTINCT action_id) AS actions,
            count(action_id) + count(policy_version) + count(actor_agent_id) + count(actor_user_id) AS implied,
            (SELECT count(*) FROM evidence_edges WHERE tenant_id = $1) AS stored
       FROM receipts WHERE tenant_id = $1`,
    [tenantId],
  );
  const counted = receipts.rows[0];
  nodeCounts.receipt = Number(counted?.receipts ?? 0);
  nodeCounts.action = Number(counted?.actions ?? 0);
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
const ACTION_NODES = `SELECT NULL::text AS node_id, 'action'::text AS node_type, r.action_id AS ref_id, NULL::text AS payload,
    (SELECT e.ts FROM receipts e WHERE e.tenant_id = r.tenant_id AND e.action_id = r.action_id ORDER BY e.sequence LIMIT 1) AS created_at,
    r.ts AS updated_at, r.action_id, r.type AS receipt_type, r.policy_decision AS decision, r.sequence
  FROM receipts r WHERE r.tenant_id = $1 AND ${LATEST_OF_ACTION}`;
/** Most recently updated first; (node_type, ref_id) is unique in a tenant's graph. */
const NODE_ORDER = 'ORDER BY updated_at DESC, node_type, ref_id';

/** Where the nodes of a type are listed and counted from. */
const VIRTUAL_SIDES: Partial<Record<EvidenceNodeType, { rows: string; count: string }>> = {
  receipt: { rows: RECEIPT_NODES, count: '(SELECT count(*) FROM receipts WHERE tenant_id = $1)' },
  action: { rows: ACTION_NODES, count: '(SELECT count(DISTINCT action_id) FROM receipts WHERE tenant_id = $1)' },
};

/** `GET /v1/admin/evidence/graph/nodes`: one page of nodes (all types, or one), most recently updated first. */
export async function listEvidenceNodes(
  sql: SqlExecutor,
  q: { tenantId: string; nodeType: EvidenceNodeType | null; page: number; pageSize: number },
): Promise<{ items: EvidenceGraphNode[]; total: number }> {
  const offset = (q.page - 1) * q.pageSize;
  const virtual = q.nodeType === null ? Object.values(VIRTUAL_SIDES) : [VIRTUAL_SIDES[q.nodeType]].filter((v) => v !== undefined);
  const storedType = q.nodeType !== null && VIRTUAL_SIDES[q.nodeType] === undefined;
  const stored = q.nodeType === null || storedType ? [{ rows: storedType ? `${STORED_NODES} AND node_type = $4` : STORED_NODES, count: `(SELECT count(*) FROM evidence_nodes WHERE tenant_id = $1${storedType ? ' AND node_type = $2' : ''})` }] : [];
  const sides = [...stored, ...virtual];
  // Each side's first offset + pageSize nodes hold the page: their merge, in the same order, gives it.
  const page = await sql.query<NodeListRow>(
    `SELECT * FROM (${sides.map((side) => `(${side.rows} ${NODE_ORDER} LIMIT $2::int + $3::int)`).join(' UNION ALL ')}) AS nodes ${NODE_ORDER} LIMIT $2::int OFFSET $3::int`,
    [q.tenantId, q.pageSize, offset, ...(storedType ? [q.nodeType] : [])],
  );
  const counts = await sql.query<{ n: string | number }>(`SELECT ${sides.map((side) => side.count).join(' + ')} AS n`, [q.tenantId, ...(storedType ? [q.nodeType] : [])]);
  return { items: page.rows.map((row) => nodeOf(q.tenantId, row)), total: Number(counts.rows[0]?.n ?? 0) };
}

function nodeOf(tenantId: string, r: NodeListRow): EvidenceGraphNode {
  const createdAt = iso(r.created_at);
  const updatedAt = iso(r.updated_at);
  if (r.node_id !== null) {
    return { id: r.node_id, tenantId, nodeType: r.node_type, refId: r.ref_id, payload: JSON.parse(r.payload!) as Record<string, unknown>, createdAt, updatedAt };
  }
  const payload =
    r.node_type === 'action'
      ? actionNodePayload(r.ref_id, r.receipt_type!, updatedAt)
      : receiptNodePayload(r.ref_id, r.action_id, r.receipt_type!, r.decision, createdAt, Number(r.sequence));
  return { id: evidenceNodeId(tenantId, r.node_type, r.ref_id), tenantId, nodeType: r.node_type, refId: r.ref_id, payload, createdAt, updatedAt };
}

const REQUIRED_COLUMN = { action: 'action_id', actor: 'actor_agent_id', policy: 'policy_decision' } as const;

/**
 * Where a selector's nodes are, as rows with the facts' columns (`receipt_type`, `action_id`,
 * `tool_id`, ...) inside the window ($2, $3) of tenant $1: the graph's own rows, the receipt nodes
 * (receipts in the window), the action nodes (actions whose first receipt is in the window, with the
 * facts of their latest receipt).
 */
const NODE_SOURCES = {
  stored: `SELECT * FROM evidence_nodes WHERE tenant_id = $1 AND occurred_at >= $2::timestamptz AND occurred_at <= $3::timestamptz`,
  receipt: `SELECT *, type AS receipt_type FROM receipts WHERE tenant_id = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz`,
  action: `SELECT latest.*, latest.type AS receipt_type
      FROM receipts r
      CROSS JOIN LATERAL (SELECT * FROM receipts l WHERE l.tenant_id = r.tenant_id AND l.action_id = r.action_id ORDER BY l.sequence DESC LIMIT 1) AS latest
     WHERE r.tenant_id = $1 AND r.ts >= $2::timestamptz AND r.ts <= $3::timestamptz AND ${FIRST_OF_ACTION}`,
} as const;

type NodeSource = keyof typeof NODE_SOURCES;
const sourceOf = (nodeType: EvidenceNodeType): NodeSource => (nodeType === 'receipt' || nodeType === 'action' ? nodeType : 'stored');

/**
 * How many nodes of the tenant each selector picks among those that happened inside `window`
 * (inclusive): one scan of the window per source, one count per selector (identical selectors
 * counted once).
 */
export async function countEvidence(sql: SqlExecutor, tenantId: string, window: CoverageWindow, selectors: readonly EvidenceSelector[]): Promise<number[]> {
  const keys = selectors.map((s) => JSON.stringify(s));
  const distinct = [...new Set(keys)].map((key) => ({ key, selector: JSON.parse(key) as EvidenceSelector }));
  const found = new Map<string, number>();
  for (const source of Object.keys(NODE_SOURCES) as NodeSource[]) {
    const here = distinct.filter((d) => sourceOf(d.selector.nodeType) === source);
    if (here.length === 0) continue;
    const counts = await countIn(sql, source, tenantId, window, here.map((d) => d.selector));
    here.forEach((d, i) => found.set(d.key, counts[i]!));
  }
  return keys.map((key) => found.get(key) ?? 0);
}

async function countIn(sql: SqlExecutor, source: NodeSource, tenantId: string, window: CoverageWindow, selectors: readonly EvidenceSelector[]): Promise<number[]> {
  const params: unknown[] = [tenantId, window.from, window.to];
  const counts = selectors.map((s) => {
    const where: string[] = [];
    if (source === 'stored') {
      params.push(s.nodeType);
      where.push(`node_type = $${params.length}`);
    }
    if (s.receiptTypes) {
      params.push(s.receiptTypes);
      where.push(`receipt_type = ANY($${params.length}::text[])`);
    }
    if (s.requires) where.push(`${REQUIRED_COLUMN[s.requires]} IS NOT NULL`);
    if (s.framework) {
      // Receipt and action nodes record no framework.
      if (source !== 'stored') where.push('false');
      else {
        params.push(s.framework);
        where.push(`framework = $${params.length}`);
      }
    }
    where.push(...receiptFilterConditions(s.receiptFilters, params));
    return where.length === 0 ? 'count(*)' : `count(*) FILTER (WHERE ${where.join(' AND ')})`;
  });
  const { rows } = await sql.query<Record<string, string | number>>(`SELECT ${counts.map((c, i) => `${c} AS c${i}`).join(', ')} FROM (${NODE_SOURCES[source]}) AS nodes`, params);
  const row = rows[0] ?? {};
  return selectors.map((_, i) => Number(row[`c${i}`] ?? 0));
}
