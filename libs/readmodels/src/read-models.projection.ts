import type { SqlExecutor } from '@oars/db';
import type { Receipt } from '@oars/receipts';
import { applyActionReceipts } from './actions/actions.projection';
import { alertsProjection } from './alerts/alerts.projection';
import { approvalsProjection } from './approvals/approvals.projection';
import { policiesProjection } from './policies/policies.projection';
import type { ReadModelProjection } from './read-model';
import { insertReceipts } from './receipts/receipts.projection';
import { opsProjection } from './ops/ops.projection';
import { controlMappingsProjection } from './evidence/control-mappings.projection';
import { evidenceGraphProjection } from './evidence/evidence-graph.projection';
import { incidentsProjection } from './incidents/incidents.projection';
import { alertDeliveriesProjection } from './alerting/alert-deliveries.projection';
import { storableExecutor } from './storable-text';

/**
 * Every read model the projector maintains, applied in this order for each batch. Each has its own
 * checkpoint per stream: a projection appended here catches up from the start by itself.
 */
export const READ_MODEL_PROJECTIONS: readonly ReadModelProjection[] = [
  { name: 'receipts', tables: ['receipts'], apply: insertReceipts },
  { name: 'actions', tables: ['actions'], apply: applyActionReceipts },
  policiesProjection,
  approvalsProjection,
  alertsProjection,
  opsProjection,
  controlMappingsProjection,
  evidenceGraphProjection,
  incidentsProjection,
  alertDeliveriesProjection,
];

/** Their checkpoint names. */
export const READ_MODEL_NAMES: readonly string[] = READ_MODEL_PROJECTIONS.map((p) => p.name);

/** The tables a rebuild empties. */
export const READ_MODEL_TABLES: readonly string[] = READ_MODEL_PROJECTIONS.flatMap((p) => p.tables);

/**
 * Applies receipts (in stream order) to every read model.
 * Idempotent: applying a receipt twice leaves the same rows. Callers that track a checkpoint MUST
 * call this in the transaction that moves the checkpoint (see `projectNextBatch`).
 * Every text parameter goes through `storableText` (NUL and lone surrogates become U+FFFD), so a
 * receipt carrying them is projected, the same way on every replay; `receipts.body` keeps the exact
 * signed JSON (see `storableExecutor`).
 */
export async function applyReceipts(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void> {
  const storable = storableExecutor(tx);
  for (const projection of READ_MODEL_PROJECTIONS) await projection.apply(storable, receipts);
}

/**
 * Checks a projection list: unique names, and what each reads listed before it. Throws naming the
 * projection at fault.
 */
export function assertProjections(projections: readonly ReadModelProjection[]): void {
  const seen = new Set<string>();
  for (const p of projections) {
    if (seen.has(p.name)) throw new Error(`Projection ${p.name} is listed twice.`);
    const missing = (p.reads ?? []).filter((r) => !seen.has(r));
    if (missing.length > 0) throw new Error(`Projection ${p.name} reads ${missing.join(', ')}, which must be listed before it.`);
    seen.add(p.name);
  }
}

/** `applyReceipts` for one receipt. */
export async function applyReceipt(tx: SqlExecutor, receipt: Receipt): Promise<void> {
  await applyReceipts(tx, [receipt]);
}
