import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import type { ReadModelProjection } from '../read-model';
import { replayStream } from '../rebuild/replay-stream';
import { resetTenantReadModels } from '../rebuild/rebuild-projections';
import { type DeadLetter, listDeadLetters, markRetried, resolveRetried } from './dead-letters.store';

export interface RetryDeadLettersOptions {
  /** Only this tenant's dead letters (default: every tenant's). */
  tenantId?: string;
  /** Only the dead letter at this sequence (of `tenantId`, or of every tenant). */
  sequence?: number;
  /** Events per transaction of the replay (default 2000). */
  batchSize?: number;
  /** Progress of each tenant's replay: its checkpoint against the stream head. */
  onProgress?: (progress: { tenant: string; position: number; head: number }) => void;
  /** The read models to replay (default READ_MODEL_PROJECTIONS, every one). */
  projections?: readonly ReadModelProjection[];
}

export interface TenantRetryResult {
  tenantId: string;
  /** The dead letters that now applied (`resolved`). */
  resolved: number[];
  /** What failed in this replay (the selected ones again, or an event that fails now): parked, with the new reason. */
  parked: DeadLetter[];
  /** Events the replay applied. */
  events: number;
}

/**
 * Re-applies open dead letters. Applying an event after the ones that followed it would not give the
 * rows an in-order projection gives (an action's record is built from its receipts in order; the
 * ops counters fold a tenant in stream order), so each affected tenant is replayed: its read-model
 * rows and checkpoint are emptied in one transaction and its stream is applied again from sequence
 * 1, the selected dead letters included; dead letters not selected are passed over and stay parked.
 * The tenant's reads are incomplete until its replay ends (the same as during a rebuild).
 */
export async function retryDeadLetters(store: EventStore, sql: SqlClient, options: RetryDeadLettersOptions = {}): Promise<TenantRetryResult[]> {
  const selected = await listDeadLetters(sql, { tenantIds: options.tenantId ? [options.tenantId] : undefined, sequence: options.sequence, limit: 1_000_000 });
  const byTenant = new Map<string, number[]>();
  for (const dl of selected) byTenant.set(dl.tenantId, [...(byTenant.get(dl.tenantId) ?? []), dl.sequence]);
  const results: TenantRetryResult[] = [];
  for (const [tenantId, sequences] of byTenant) results.push(await retryTenant(store, sql, tenantId, sequences, options));
  return results;
}

async function retryTenant(store: EventStore, sql: SqlClient, tenantId: string, sequences: number[], options: RetryDeadLettersOptions): Promise<TenantRetryResult> {
  const chosen = new Set(sequences);
  const open = await listDeadLetters(sql, { tenantIds: [tenantId], limit: 1_000_000 });
  const passOver = new Set(open.map((dl) => dl.sequence).filter((s) => !chosen.has(s)));
  await sql.transaction(async (tx) => {
    await resetTenantReadModels(tx, tenantId, options.projections);
    await markRetried(tx, tenantId, sequences);
  });
  const head = (await store.head(tenantId)).sequence;
  const replayed = await replayStream(store, sql, tenantId, 0, {
    batchSize: options.batchSize ?? 2000,
    passOver,
    projections: options.projections,
    onProgress: (position) => options.onProgress?.({ tenant: tenantId, position, head }),
  });
  const resolved = await resolveRetried(sql, tenantId);
  const failed = new Set([...chosen, ...replayed.parked]);
  const parked = (await listDeadLetters(sql, { tenantIds: [tenantId], statuses: ['parked'], limit: 1_000_000 })).filter((dl) => failed.has(dl.sequence));
  return { tenantId, resolved, parked, events: replayed.events };
}
