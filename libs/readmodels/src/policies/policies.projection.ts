import type { SqlExecutor } from '@oars/db';
import { POLICY_CREATED, type PolicyEvent, policyEventOf } from '@oars/domain';
import { policyHash } from '@oars/policy';
import type { Receipt } from '@oars/receipts';
import type { ReadModelProjection } from '../read-model';

/**
 * The `policies` read model: `policy.created` inserts a draft; `policy.published` and
 * `policy.rolled_back` put their policy in force and turn the tenant's previously published policy
 * back into a draft, so exactly one row per tenant is `published` after each receipt. Every change is
 * guarded by `last_sequence`, so re-applying any receipt (a replayed batch) changes nothing.
 */
export const policiesProjection: ReadModelProjection = {
  name: 'policies',
  tables: ['policies'],
  async apply(tx, receipts) {
    for (const receipt of receipts) {
      if (!receipt.type.startsWith('policy.')) continue;
      const event = policyEventOf(receipt);
      // A policy receipt always names its own tenant's policy; anything else is not ours to show.
      if (!event || event.data.policy.tenantId !== receipt.tenantId) continue;
      if (event.type === POLICY_CREATED) await insertDraft(tx, receipt, event);
      else await putInForce(tx, receipt, event);
    }
  },
};

async function insertDraft(tx: SqlExecutor, receipt: Receipt, event: PolicyEvent): Promise<void> {
  const p = event.data.policy;
  await tx.query(
    `INSERT INTO policies (policy_id, tenant_id, version, status, policy_hash, document, created_at, updated_at, created_sequence, last_sequence)
     VALUES ($1, $2, $3, 'draft', $4, $5, $6::timestamptz, $7::timestamptz, $8::bigint, $8::bigint)
     ON CONFLICT (policy_id) DO NOTHING`,
    [p.id, p.tenantId, p.version, policyHash(p), JSON.stringify({ ...p, status: 'draft' }), p.createdAt, p.updatedAt, receipt.sequence],
  );
}

async function putInForce(tx: SqlExecutor, receipt: Receipt, event: PolicyEvent): Promise<void> {
  const p = event.data.policy;
  // First the policy in force until now goes back to draft (the unique index allows one published row).
  await tx.query(
    `UPDATE policies SET status = 'draft', updated_at = $3::timestamptz, last_sequence = $4::bigint
      WHERE tenant_id = $1 AND status = 'published' AND policy_id <> $2 AND last_sequence < $4::bigint`,
    [p.tenantId, p.id, p.updatedAt, receipt.sequence],
  );
  // The row exists from its policy.created receipt; the insert only covers a stream that lacks it.
  await tx.query(
    `INSERT INTO policies (policy_id, tenant_id, version, status, policy_hash, document, created_at, updated_at, created_sequence, last_sequence)
     VALUES ($1, $2, $3, 'published', $4, $5, $6::timestamptz, $7::timestamptz, $8::bigint, $8::bigint)
     ON CONFLICT (policy_id) DO UPDATE SET status = 'published', updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence
     WHERE policies.tenant_id = EXCLUDED.tenant_id AND policies.last_sequence < EXCLUDED.last_sequence`,
    [p.id, p.tenantId, p.version, policyHash(p), JSON.stringify({ ...p, status: 'draft' }), p.createdAt, p.updatedAt, receipt.sequence],
  );
}
