import type { SqlClient, SqlExecutor } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { markRetried, resolveRetried } from '../dead-letters/dead-letters.store';
import type { ReadModelProjection } from '../read-model';
import { READ_MODEL_PROJECTIONS } from '../read-models.projection';
import { replayStream } from './replay-stream';

export interface RebuildProgress {
  tenant: string;
  /** Last sequence applied for this tenant. */
  position: number;
  /** The stream head when the rebuild listed the streams. */
  head: number;
  /** True on the tenant's last report. */
  done: boolean;
}

export interface RebuildSummary {
  tenants: number;
  events: number;
  /** Events parked as dead letters (they failed again, or for the first time). */
  parked: number;
  /** Dead letters this rebuild applied (now `resolved`). */
  resolved: number;
  durationMs: number;
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  /** Events per transaction (default 2000). */
  batchSize?: number;
  /** The read models to rebuild (default READ_MODEL_PROJECTIONS, every one). */
  projections?: readonly ReadModelProjection[];
}

/**
 * Rebuilds the read models (every one: READ_MODEL_PROJECTIONS) from the event store: empties their
 * tables and checkpoints in one transaction, then replays every stream from sequence 1 in checkpointed batches.
 * Every open dead letter is tried again on the way: applied, it becomes `resolved`; failing, it is
 * parked again. A projector running meanwhile is safe: both serialise on the checkpoint row and skip
 * what the other applied.
 */
export async function rebuildProjections(store: EventStore, sql: SqlClient, options: RebuildOptions = {}): Promise<RebuildSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2000;
  const projections = options.projections ?? READ_MODEL_PROJECTIONS;
  await sql.transaction(async (tx) => {
    await tx.query(`TRUNCATE ${projections.flatMap((p) => p.tables).join(', ')}`);
    await tx.query('DELETE FROM projection_checkpoints WHERE projection = ANY($1::text[])', [projections.map((p) => p.name)]);
    await markRetried(tx, null);
  });
  const streams = await store.listStreams();
  const summary: RebuildSummary = { tenants: streams.length, events: 0, parked: 0, resolved: 0, durationMs: 0 };
  for (const { stream, lastSequence } of streams) {
    const onProgress = (position: number) => options.onProgress?.({ tenant: stream, position, head: lastSequence, done: false });
    const replayed = await replayStream(store, sql, stream, 0, { batchSize, onProgress, projections });
    summary.events += replayed.events;
    summary.parked += replayed.parked.length;
    summary.resolved += (await resolveRetried(sql, stream)).length;
    options.onProgress?.({ tenant: stream, position: replayed.position, head: lastSequence, done: true });
  }
  return { ...summary, durationMs: Date.now() - started };
}

/**
 * Empties one tenant's rows of every read model and their checkpoints, in the caller's transaction,
 * so a replay of its stream rebuilds them (every read-model table has a `tenant_id` column).
 */
export async function resetTenantReadModels(tx: SqlExecutor, tenantId: string, projections: readonly ReadModelProjection[] = READ_MODEL_PROJECTIONS): Promise<void> {
  for (const table of projections.flatMap((p) => p.tables)) await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  await tx.query('DELETE FROM projection_checkpoints WHERE projection = ANY($1::text[]) AND stream = $2', [projections.map((p) => p.name), tenantId]);
}
