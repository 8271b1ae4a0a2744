import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { READ_MODELS_PROJECTION } from '../checkpoints/checkpoint.store';
import { StreamGapError } from '../errors';
import { projectNextBatch } from '../projector/stream-batch';
import { READ_MODEL_TABLES } from '../read-models.projection';

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
  durationMs: number;
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  /** Events per transaction (default 2000). */
  batchSize?: number;
}

/**
 * Rebuilds every read model (READ_MODEL_TABLES) from the event store: empties them and their
 * checkpoints in one transaction, then replays every stream from sequence 1 in checkpointed batches.
 * A projector running meanwhile is safe: both serialise on the checkpoint row and skip what the other applied.
 */
export async function rebuildProjections(store: EventStore, sql: SqlClient, options: RebuildOptions = {}): Promise<RebuildSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2000;
  await sql.transaction(async (tx) => {
    await tx.query(`TRUNCATE ${READ_MODEL_TABLES.join(', ')}`);
    await tx.query('DELETE FROM projection_checkpoints WHERE projection = $1', [READ_MODELS_PROJECTION]);
  });
  const streams = await store.listStreams();
  let events = 0;
  for (const { stream, lastSequence } of streams) {
    let position = 0;
    for (;;) {
      const outcome = await projectNextBatch(store, sql, stream, position, batchSize);
      if (outcome.kind === 'gap') throw new StreamGapError(stream, position + 1, outcome.found);
      if (outcome.kind === 'caught_up') break;
      if (outcome.kind === 'applied') events += outcome.count;
      position = outcome.position;
      options.onProgress?.({ tenant: stream, position, head: lastSequence, done: false });
    }
    options.onProgress?.({ tenant: stream, position, head: lastSequence, done: true });
  }
  return { tenants: streams.length, events, durationMs: Date.now() - started };
}
