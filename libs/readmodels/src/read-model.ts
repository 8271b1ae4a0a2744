import type { SqlExecutor } from '@oars/db';
import type { Receipt } from '@oars/receipts';

/**
 * One read model: the tables it owns (emptied by a rebuild) and how it applies receipts. Each has its
 * own checkpoint per stream, so one registered later catches up from the start by itself.
 */
export interface ReadModelProjection {
  /**
   * Its checkpoint's name in `projection_checkpoints`: stable (renaming it replays the read model) and
   * unique among everything that keeps a checkpoint there (the connector executions, the integrity
   * verifier, ...).
   */
  readonly name: string;
  readonly tables: readonly string[];
  /**
   * The projections, listed before this one, whose tables `apply` reads. It is applied to a batch only
   * together with them, after them, so they always hold at least the receipts it is given.
   */
  readonly reads?: readonly string[];
  /**
   * MUST be idempotent and run inside the caller's transaction (the one that moves the checkpoint).
   * Receives, in stream order, the receipts of one stream after its own checkpoint.
   */
  apply(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void>;
}
