import type { SqlExecutor } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { loadCheckpoints } from '../checkpoints/checkpoint.store';

export interface StreamProjectionStatus {
  tenant: string;
  /** Last sequence applied to the read models. */
  position: number;
  /** Last sequence in the stream. */
  head: number;
  lag: number;
}

/** Each stream's head against its read-model checkpoint (for `oars projections status`). */
export async function readProjectionStatus(store: EventStore, sql: SqlExecutor): Promise<StreamProjectionStatus[]> {
  const [checkpoints, streams] = await Promise.all([loadCheckpoints(sql), store.listStreams()]);
  const tenants = new Set([...streams.map((s) => s.stream), ...checkpoints.keys()]);
  const heads = new Map(streams.map((s) => [s.stream, s.lastSequence]));
  return [...tenants].sort().map((tenant) => {
    const position = checkpoints.get(tenant) ?? 0;
    const head = heads.get(tenant) ?? 0;
    return { tenant, position, head, lag: Math.max(0, head - position) };
  });
}
