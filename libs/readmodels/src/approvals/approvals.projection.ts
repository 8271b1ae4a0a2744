import type { SqlExecutor } from '@oars/db';
import { type ApprovalState, approvalDueAt, approvalIdOf, approvalOf } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import type { ReadModelProjection } from '../read-model';

/** Action receipts that end an action: one arriving while its approval is pending closes the approval. */
const CLOSING_TYPES: ReadonlySet<string> = new Set(['action.denied', 'action.executed', 'action.failed', 'action.quarantined', 'action.canceled']);

interface Row {
  state: ApprovalState;
  sequence: number;
}

/**
 * The `approvals` read model. Every approval receipt carries the whole snapshot (`data.approval`),
 * so a row is the latest snapshot; an action closed by another path (e.g. canceled) while its
 * approval was pending marks the approval `canceled`. Rows only move forward (`last_sequence`
 * guards the upsert), so re-applying receipts changes nothing.
 */
export const approvalsProjection: ReadModelProjection = {
  name: 'approvals',
  tables: ['approvals'],
  async apply(tx, receipts) {
    // An action requested in this batch can only have an approval whose snapshot is in it too.
    const requestedHere = new Set(receipts.filter((r) => r.type === 'action.requested').map((r) => r.actionId));
    const closing = receipts.filter((r) => r.actionId !== null && CLOSING_TYPES.has(r.type) && !approvalOf(r) && !requestedHere.has(r.actionId));
    if (closing.length === 0 && !receipts.some((r) => approvalOf(r))) return;
    const rows = await loadRows(tx, closing.map((r) => approvalIdOf(r.actionId!)));
    const changed = new Map<string, Row>();
    for (const receipt of receipts) {
      const snapshot = approvalOf(receipt);
      if (snapshot && snapshot.tenantId === receipt.tenantId) {
        rows.set(snapshot.id, { state: snapshot, sequence: receipt.sequence });
        changed.set(snapshot.id, rows.get(snapshot.id)!);
      } else if (!snapshot && receipt.actionId !== null && CLOSING_TYPES.has(receipt.type)) {
        const id = approvalIdOf(receipt.actionId);
        const row = rows.get(id);
        if (!row || row.state.status !== 'pending' || row.sequence >= receipt.sequence) continue;
        const closed: Row = { state: { ...row.state, status: 'canceled', updatedAt: receipt.timestamp }, sequence: receipt.sequence };
        rows.set(id, closed);
        changed.set(id, closed);
      }
    }
    if (changed.size === 0) return;
    const list = [...changed.values()];
    for (let i = 0; i < list.length; i += ROWS_PER_STATEMENT) await upsert(tx, list.slice(i, i + ROWS_PER_STATEMENT));
  },
};

async function loadRows(tx: SqlExecutor, approvalIds: string[]): Promise<Map<string, Row>> {
  if (approvalIds.length === 0) return new Map();
  const { rows } = await tx.query<{ record: string; last_sequence: string | number }>(
    'SELECT record, last_sequence FROM approvals WHERE approval_id = ANY($1::text[])',
    [approvalIds],
  );
  return new Map(rows.map((r) => {
    const state = JSON.parse(r.record) as ApprovalState;
    return [state.id, { state, sequence: Number(r.last_sequence) }];
  }));
}

const COLUMNS = 17;
const ROWS_PER_STATEMENT = 1000;

async function upsert(tx: SqlExecutor, rows: readonly Row[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map(({ state, sequence }, i) => {
    const stage = state.stages[state.currentStageIndex];
    params.push(
      state.id, state.tenantId, state.actionId, state.status, state.requestedBy, state.currentStageIndex, stage?.id ?? null,
      stage?.approverIds ?? [], [...new Set(state.decisions.map((d) => d.approverId))],
      state.stageDeadlineAt, stage ? state.escalatedStageIds.includes(stage.id) : false, state.expiresAt, approvalDueAt(state),
      JSON.stringify(state), state.createdAt, state.updatedAt, sequence,
    );
    const n = (k: number) => `$${i * COLUMNS + k}`;
    return `(${n(1)}, ${n(2)}, ${n(3)}, ${n(4)}, ${n(5)}, ${n(6)}::integer, ${n(7)}, ${n(8)}::text[], ${n(9)}::text[], ${n(10)}::timestamptz, ${n(11)}::boolean, ${n(12)}::timestamptz, ${n(13)}::timestamptz, ${n(14)}, ${n(15)}::timestamptz, ${n(16)}::timestamptz, ${n(17)}::bigint)`;
  });
  await tx.query(
    `INSERT INTO approvals (approval_id, tenant_id, action_id, status, requested_by, current_stage_index, current_stage_id,
       approver_ids, decided_by, stage_deadline_at, stage_escalated, expires_at, due_at, record, created_at, updated_at, last_sequence)
     VALUES ${tuples.join(', ')}
     ON CONFLICT (approval_id) DO UPDATE SET status = EXCLUDED.status, current_stage_index = EXCLUDED.current_stage_index,
       current_stage_id = EXCLUDED.current_stage_id, approver_ids = EXCLUDED.approver_ids, decided_by = EXCLUDED.decided_by,
       stage_deadline_at = EXCLUDED.stage_deadline_at, stage_escalated = EXCLUDED.stage_escalated, expires_at = EXCLUDED.expires_at,
       due_at = EXCLUDED.due_at, record = EXCLUDED.record, updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence
     WHERE approvals.tenant_id = EXCLUDED.tenant_id AND approvals.last_sequence < EXCLUDED.last_sequence`,
    params,
  );
}
