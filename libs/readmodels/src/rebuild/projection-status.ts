import type { SqlExecutor } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { loadCheckpoints, readPosition } from '../checkpoints/checkpoint.store';
import type { ReadModelProjection } from '../read-model';
import { READ_MODEL_PROJECTIONS } from '../read-models.projection';

/** One projection's checkpoint of one stream against the stream head. */
export interface ProjectionCheckpoint {
  projection: string;
  position: number;
  lag: number;
}

export interface StreamProjectionStatus {
  tenant: string;
  /** How far reads reflect the stream (see `readPosition`): every projection not catching up is here. */
  position: number;
  /** Last sequence in the stream. */
  head: number;
  lag: number;
  /** Each projection's own checkpoint, in READ_MODEL_PROJECTIONS order. */
  projections: ProjectionCheckpoint[];
}

/** One projection over every stream: its total lag and the stream it lags most on. */
export interface ProjectionSummary {
  projection: string;
  /** Events behind, summed over streams. */
  lag: number;
  /** Streams it has not applied to their head. */
  streamsBehind: number;
  /** The stream it lags most on (the first by name when several tie), or null with no streams. */
  worst: { tenant: string; position: number; head: number; lag: number } | null;
}

/** Each stream's head against its read-model checkpoints (for `oars projections status`, the ops sampler). */
export async function readProjectionStatus(store: EventStore, sql: SqlExecutor, projections: readonly ReadModelProjection[] = READ_MODEL_PROJECTIONS): Promise<StreamProjectionStatus[]> {
  const names = projections.map((p) => p.name);
  const [checkpoints, streams] = await Promise.all([loadCheckpoints(sql, names), store.listStreams()]);
  const tenants = new Set([...streams.map((s) => s.stream), ...checkpoints.keys()]);
  const heads = new Map(streams.map((s) => [s.stream, s.lastSequence]));
  return [...tenants].sort().map((tenant) => {
    const own = checkpoints.get(tenant) ?? new Map<string, number>();
    const head = heads.get(tenant) ?? 0;
    const position = readPosition(own);
    const each = names.map((projection) => {
      const at = own.get(projection) ?? 0;
      return { projection, position: at, lag: Math.max(0, head - at) };
    });
    return { tenant, position, head, lag: Math.max(0, head - position), projections: each };
  });
}

/** `readProjectionStatus` per projection (streams sorted by tenant, as it returns them). */
export function summariseProjections(streams: readonly StreamProjectionStatus[]): ProjectionSummary[] {
  const byName = new Map<string, ProjectionSummary>();
  for (const s of streams) {
    for (const p of s.projections) {
      const summary = byName.get(p.projection) ?? { projection: p.projection, lag: 0, streamsBehind: 0, worst: null };
      summary.lag += p.lag;
      if (p.lag > 0) summary.streamsBehind++;
      if (!summary.worst || p.lag > summary.worst.lag) summary.worst = { tenant: s.tenant, position: p.position, head: s.head, lag: p.lag };
      byName.set(p.projection, summary);
    }
  }
  return [...byName.values()];
}
