import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { classifyFailure } from '../dead-letters/projection-failure';
import { parkNextEvent, passOverNextEvent } from '../dead-letters/park-event';
import { StreamGapError } from '../errors';
import { failingProjectionOf } from '../projector/failing-projection';
import { projectNextBatch } from '../projector/stream-batch';
import type { ReadModelProjection } from '../read-model';

export interface ReplayStreamOptions {
  batchSize: number;
  /** Positions to pass over without applying (dead letters a retry leaves parked). */
  passOver?: ReadonlySet<number>;
  /** After every step that moved the checkpoint, with the new position. */
  onProgress?: (position: number) => void;
  /** The projections to apply (default READ_MODEL_PROJECTIONS). */
  projections?: readonly ReadModelProjection[];
}

export interface ReplayStreamResult {
  position: number;
  /** Events applied by this replay. */
  events: number;
  /** Positions this replay parked as dead letters. */
  parked: number[];
}

/**
 * Applies `stream` from its lowest checkpoint (`from`) to its end in checkpointed batches, as a
 * rebuild does. An event that fails deterministically (see `classifyFailure`) is found by halving the batch
 * and parked at once: the replay is itself the retry. Any other failure, or a gap, throws (run the
 * replay again). Safe beside a running projector: both serialise on the checkpoint row.
 */
export async function replayStream(store: EventStore, sql: SqlClient, stream: string, from: number, options: ReplayStreamOptions): Promise<ReplayStreamResult> {
  const result: ReplayStreamResult = { position: from, events: 0, parked: [] };
  const passOver = [...(options.passOver ?? [])].sort((a, b) => a - b);
  let limit = options.batchSize;
  for (;;) {
    const position = result.position;
    const next = passOver.find((s) => s > position);
    if (next === position + 1) {
      result.position = (await passOverNextEvent(sql, stream, position, options.projections)).position;
      options.onProgress?.(result.position);
      continue;
    }
    const size = next === undefined ? limit : Math.min(limit, next - position - 1);
    let outcome;
    try {
      outcome = await projectNextBatch(store, sql, stream, position, size, { projections: options.projections });
    } catch (err) {
      const failure = classifyFailure(err);
      if (!failure.deterministic) throw err;
      limit = Math.max(1, Math.floor(size / 2));
      if (size > 1) continue;
      const parked = await parkNextEvent(store, sql, stream, position, failure.reason, 1, { projections: options.projections, failedProjection: failingProjectionOf(err) });
      if (parked.kind === 'parked') result.parked.push(position + 1);
      result.position = parked.position;
      limit = options.batchSize;
      options.onProgress?.(result.position);
      continue;
    }
    if (outcome.kind === 'gap') throw new StreamGapError(stream, position + 1, outcome.found);
    if (outcome.kind === 'caught_up') return result;
    if (outcome.kind === 'applied') result.events += outcome.count;
    result.position = outcome.position;
    limit = options.batchSize;
    options.onProgress?.(result.position);
  }
}
