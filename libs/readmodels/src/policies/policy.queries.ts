import type { SqlExecutor } from '@oars/db';
import type { PolicyView } from '@oars/domain';
import type { PolicyDocument } from '@oars/policy';

interface PolicyRow {
  document: string;
  status: PolicyDocument['status'];
  updated_at: Date | string;
  policy_hash: string;
}

const COLUMNS = 'document, status, updated_at, policy_hash';

/** GET /v1/policies?tenantId= (OARS v1 §1.3 #26): every policy of the tenant, oldest first. */
export async function listPolicies(sql: SqlExecutor, tenantId: string): Promise<PolicyView[]> {
  const { rows } = await sql.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE tenant_id = $1 ORDER BY created_sequence`, [tenantId]);
  return rows.map(viewOf);
}

/** One policy, or null when it does not exist or belongs to a tenant outside `tenantIds` (the API answers 404 either way). */
export async function getPolicy(sql: SqlExecutor, tenantIds: readonly string[], policyId: string): Promise<PolicyView | null> {
  if (tenantIds.length === 0) return null;
  const { rows } = await sql.query<PolicyRow>(`SELECT ${COLUMNS} FROM policies WHERE policy_id = $1 AND tenant_id = ANY($2::text[])`, [policyId, [...tenantIds]]);
  return rows.length ? viewOf(rows[0]!) : null;
}

function viewOf(row: PolicyRow): PolicyView {
  const document = JSON.parse(row.document) as PolicyDocument;
  const updatedAt = row.updated_at instanceof Date ? row.updated_at.toISOString() : new Date(row.updated_at).toISOString();
  return { ...document, status: row.status, updatedAt, policyHash: row.policy_hash };
}
