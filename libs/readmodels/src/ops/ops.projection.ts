import type { SqlExecutor } from '@oars/db';
import { ACTION_RECEIPT_TYPES, type ActionState, type PolicyDecision, stateOfReceiptType } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { isActionReceipt } from '../actions/action-record.evolve';
import type { ReadModelProjection } from '../read-model';
import { foldOpsReceipts } from './ops-fold';
import { insertSecurityEvents } from './security-events.store';
import { lockTenantCounters, saveTenantCounters } from './tenant-counters.row';

/**
 * The `ops` read model: exact per-tenant counters (`tenant_counters`), decisions per minute
 * (`decision_minutes`) and receipt-sourced security events (`security_events`, not truncated by a
 * rebuild: see migrations/0008_ops.sql). It reads the state of actions whose earlier receipts came
 * in earlier batches from `receipts`, so it runs after that projection.
 * Idempotent: a receipt at or below the tenant's `last_sequence` is skipped, events are keyed by id.
 */
export const opsProjection: ReadModelProjection = {
  name: 'ops',
  tables: ['tenant_counters', 'decision_minutes'],
  reads: ['receipts'],
  async apply(tx: SqlExecutor, receipts: readonly Receipt[]) {
    const byTenant = new Map<string, Receipt[]>();
    for (const r of receipts) {
      const list = byTenant.get(r.tenantId) ?? [];
      list.push(r);
      byTenant.set(r.tenantId, list);
    }
    for (const [tenantId, list] of byTenant) await applyTenant(tx, tenantId, list);
  },
};

async function applyTenant(tx: SqlExecutor, tenantId: string, receipts: Receipt[]): Promise<void> {
  const counters = await lockTenantCounters(tx, tenantId);
  const fresh = receipts.filter((r) => r.sequence > counters.lastSequence).sort((a, b) => a.sequence - b.sequence);
  if (fresh.length === 0) return;
  const priorStates = await loadPriorStates(tx, tenantId, fresh);
  const out = foldOpsReceipts({ counters, receipts: fresh, priorStates });
  await saveTenantCounters(tx, out.counters);
  await addDecisionMinutes(tx, tenantId, out.decisionMinutes);
  await insertSecurityEvents(tx, out.securityEvents);
}

/** The state of each action whose first receipt here is not its `action.requested`, from earlier receipts. */
async function loadPriorStates(tx: SqlExecutor, tenantId: string, receipts: readonly Receipt[]): Promise<Map<string, ActionState>> {
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const r of receipts) {
    if (!isActionReceipt(r) || seen.has(r.actionId as string)) continue;
    seen.add(r.actionId as string);
    if (r.type !== 'action.requested') unknown.push(r.actionId as string);
  }
  const states = new Map<string, ActionState>();
  if (unknown.length === 0) return states;
  const { rows } = await tx.query<{ action_id: string; type: string }>(
    `SELECT DISTINCT ON (action_id) action_id, type FROM receipts
     WHERE tenant_id = $1 AND action_id = ANY($2::text[]) AND sequence < $3::bigint AND type = ANY($4::text[])
     ORDER BY action_id, sequence DESC`,
    [tenantId, unknown, receipts[0]!.sequence, ACTION_RECEIPT_TYPES],
  );
  for (const row of rows) states.set(row.action_id, stateOfReceiptType(row.type as (typeof ACTION_RECEIPT_TYPES)[number]));
  return states;
}

async function addDecisionMinutes(tx: SqlExecutor, tenantId: string, minutes: ReadonlyMap<string, Record<PolicyDecision, number>>): Promise<void> {
  if (minutes.size === 0) return;
  const params: unknown[] = [tenantId];
  const tuples = [...minutes].map(([minute, c]) => {
    params.push(minute, c.allow, c.deny, c.approve, c.quarantine);
    const p = params.length - 5;
    return `($1, $${p + 1}::timestamptz, $${p + 2}::bigint, $${p + 3}::bigint, $${p + 4}::bigint, $${p + 5}::bigint)`;
  });
  await tx.query(
    `INSERT INTO decision_minutes (tenant_id, minute, allow_count, deny_count, approve_count, quarantine_count)
     VALUES ${tuples.join(', ')}
     ON CONFLICT (tenant_id, minute) DO UPDATE SET
       allow_count = decision_minutes.allow_count + EXCLUDED.allow_count,
       deny_count = decision_minutes.deny_count + EXCLUDED.deny_count,
       approve_count = decision_minutes.approve_count + EXCLUDED.approve_count,
       quarantine_count = decision_minutes.quarantine_count + EXCLUDED.quarantine_count`,
    params,
  );
}
