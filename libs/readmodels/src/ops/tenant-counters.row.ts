import type { SqlExecutor } from '@oars/db';
import { lockOrCreateRow } from '../row-lock';
import type { ActionState } from '@oars/domain';
import { emptyCounters } from './ops-fold';
import type { TenantCounters } from './ops.types';

/** The count columns of `tenant_counters` and where each lives in `TenantCounters`. */
const COUNT_COLUMNS: ReadonlyArray<[string, (c: TenantCounters) => number, (c: TenantCounters, n: number) => void]> = [
  ['actions_total', (c) => c.actionsTotal, (c, n) => (c.actionsTotal = n)],
  ...(['requested', 'denied', 'approval_required', 'approved', 'executed', 'failed', 'quarantined', 'canceled'] as ActionState[]).map(
    (s) => [`state_${s}`, (c: TenantCounters) => c.byState[s], (c: TenantCounters, n: number) => (c.byState[s] = n)] as [string, (c: TenantCounters) => number, (c: TenantCounters, n: number) => void],
  ),
  ['decisions_allow', (c) => c.decisions.allow, (c, n) => (c.decisions.allow = n)],
  ['decisions_deny', (c) => c.decisions.deny, (c, n) => (c.decisions.deny = n)],
  ['decisions_approve', (c) => c.decisions.approve, (c, n) => (c.decisions.approve = n)],
  ['decisions_quarantine', (c) => c.decisions.quarantine, (c, n) => (c.decisions.quarantine = n)],
  ['denied_high_risk', (c) => c.deniedHighRisk, (c, n) => (c.deniedHighRisk = n)],
  ['alerts_low', (c) => c.alerts.low, (c, n) => (c.alerts.low = n)],
  ['alerts_medium', (c) => c.alerts.medium, (c, n) => (c.alerts.medium = n)],
  ['alerts_high', (c) => c.alerts.high, (c, n) => (c.alerts.high = n)],
  ['alerts_critical', (c) => c.alerts.critical, (c, n) => (c.alerts.critical = n)],
  ['policy_drift_decisions', (c) => c.policyDriftDecisions, (c, n) => (c.policyDriftDecisions = n)],
  ['integrity_violations', (c) => c.integrityViolations, (c, n) => (c.integrityViolations = n)],
];

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

export function countersOfRow(row: Row): TenantCounters {
  const c = emptyCounters(String(row.tenant_id));
  c.lastSequence = Number(row.last_sequence);
  for (const [column, , set] of COUNT_COLUMNS) set(c, Number(row[column]));
  c.lastPolicyDriftAt = iso(row.last_policy_drift_at);
  c.lastIntegrityViolationAt = iso(row.last_integrity_violation_at);
  c.updatedAt = iso(row.updated_at);
  c.publishedPolicy =
    row.published_policy_hash === null || row.published_policy_hash === undefined
      ? null
      : { id: String(row.published_policy_id), version: String(row.published_policy_version), hash: String(row.published_policy_hash), sequence: Number(row.published_policy_sequence) };
  return c;
}

/** Locks the tenant's row for the rest of the transaction (creating it empty) and returns it. */
export async function lockTenantCounters(tx: SqlExecutor, tenantId: string): Promise<TenantCounters> {
  return countersOfRow(
    await lockOrCreateRow(
      () => tx.query<Row>('SELECT * FROM tenant_counters WHERE tenant_id = $1 FOR UPDATE', [tenantId]),
      () => tx.query('INSERT INTO tenant_counters (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING', [tenantId]),
    ),
  );
}

export async function saveTenantCounters(tx: SqlExecutor, c: TenantCounters): Promise<void> {
  const params: unknown[] = [c.tenantId, c.lastSequence];
  const sets = ['last_sequence = $2::bigint'];
  for (const [column, get] of COUNT_COLUMNS) {
    params.push(get(c));
    sets.push(`${column} = $${params.length}::bigint`);
  }
  const more: Array<[string, unknown, string]> = [
    ['last_policy_drift_at', c.lastPolicyDriftAt, 'timestamptz'],
    ['last_integrity_violation_at', c.lastIntegrityViolationAt, 'timestamptz'],
    ['published_policy_id', c.publishedPolicy?.id ?? null, 'text'],
    ['published_policy_version', c.publishedPolicy?.version ?? null, 'text'],
    ['published_policy_hash', c.publishedPolicy?.hash ?? null, 'text'],
    ['published_policy_sequence', c.publishedPolicy?.sequence ?? null, 'bigint'],
    ['updated_at', c.updatedAt, 'timestamptz'],
  ];
  for (const [column, value, type] of more) {
    params.push(value);
    sets.push(`${column} = $${params.length}::${type}`);
  }
  await tx.query(`UPDATE tenant_counters SET ${sets.join(', ')} WHERE tenant_id = $1`, params);
}
