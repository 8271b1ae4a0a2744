import type { SqlExecutor } from '@oars/db';
import type { ApprovalState, ApprovalStatus } from '@oars/domain';

/** The approval as the API serves it (OARS v1 ApprovalRecord field names; reasons only as hashes). */
export type ApprovalRecord = Omit<ApprovalState, 'plannedExecution'>;

export function approvalRecordOf(state: ApprovalState): ApprovalRecord {
  const { plannedExecution: _planned, ...record } = state;
  return record;
}

/** The tenant (among `tenantIds`) that holds the approval, or null. */
export async function findApprovalTenant(sql: SqlExecutor, tenantIds: readonly string[], approvalId: string): Promise<string | null> {
  if (tenantIds.length === 0) return null;
  const { rows } = await sql.query<{ tenant_id: string }>(
    'SELECT tenant_id FROM approvals WHERE approval_id = $1 AND tenant_id = ANY($2::text[])',
    [approvalId, [...tenantIds]],
  );
  return rows[0]?.tenant_id ?? null;
}

/** The approval, or null when unknown or held by a tenant outside `tenantIds` (the API answers 404 either way). */
export async function getApproval(sql: SqlExecutor, tenantIds: readonly string[], approvalId: string): Promise<ApprovalRecord | null> {
  if (tenantIds.length === 0) return null;
  const { rows } = await sql.query<{ record: string }>(
    'SELECT record FROM approvals WHERE approval_id = $1 AND tenant_id = ANY($2::text[])',
    [approvalId, [...tenantIds]],
  );
  return rows[0] ? approvalRecordOf(JSON.parse(rows[0].record) as ApprovalState) : null;
}

export interface ApprovalListFilter {
  tenantId: string;
  status?: ApprovalStatus;
  /**
   * Only the approvals waiting for this approver: pending, the current stage open to them (listed,
   * or open to anyone), not requested by them and not yet decided by them.
   */
  approverId?: string;
  limit: number;
}

/** A tenant's approvals, newest first. */
export async function listApprovals(sql: SqlExecutor, filter: ApprovalListFilter): Promise<ApprovalRecord[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [filter.tenantId];
  if (filter.status) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  if (filter.approverId) {
    params.push(filter.approverId);
    const p = `$${params.length}`;
    where.push(
      `status = 'pending'`,
      `(cardinality(approver_ids) = 0 OR approver_ids @> ARRAY[${p}]::text[])`,
      `NOT decided_by @> ARRAY[${p}]::text[]`,
      `requested_by IS DISTINCT FROM ${p}`,
    );
  }
  params.push(filter.limit);
  const { rows } = await sql.query<{ record: string }>(
    `SELECT record FROM approvals WHERE ${where.join(' AND ')} ORDER BY created_at DESC, approval_id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => approvalRecordOf(JSON.parse(r.record) as ApprovalState));
}

export interface DueApproval {
  tenantId: string;
  approvalId: string;
  actionId: string;
}

/** Pending approvals whose timer is due at `now`, earliest first. */
export async function listDueApprovals(sql: SqlExecutor, now: Date, limit: number): Promise<DueApproval[]> {
  const { rows } = await sql.query<{ tenant_id: string; approval_id: string; action_id: string }>(
    `SELECT tenant_id, approval_id, action_id FROM approvals
      WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= $1::timestamptz
      ORDER BY due_at LIMIT $2`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, approvalId: r.approval_id, actionId: r.action_id }));
}

/** The earliest due time (ms since epoch) of any pending approval, or null. */
export async function nextApprovalDueAt(sql: SqlExecutor): Promise<number | null> {
  const { rows } = await sql.query<{ due_ms: string | number | null }>(
    `SELECT (extract(epoch FROM min(due_at)) * 1000)::float8 AS due_ms FROM approvals WHERE status = 'pending' AND due_at IS NOT NULL`,
  );
  const due = rows[0]?.due_ms;
  return due === null || due === undefined ? null : Number(due);
}

/** A tenant's pending approvals whose current stage passed its deadline at `now` and is not escalated yet. */
export async function listOverdueStages(sql: SqlExecutor, tenantId: string, now: Date): Promise<DueApproval[]> {
  const { rows } = await sql.query<{ approval_id: string; action_id: string }>(
    `SELECT approval_id, action_id FROM approvals
      WHERE tenant_id = $1 AND status = 'pending' AND NOT stage_escalated AND stage_deadline_at <= $2::timestamptz
      ORDER BY stage_deadline_at`,
    [tenantId, now.toISOString()],
  );
  return rows.map((r) => ({ tenantId, approvalId: r.approval_id, actionId: r.action_id }));
}
