import type { SqlExecutor } from '@oars/db';
import type { Receipt } from '@oars/receipts';

/** One read model: the tables it owns (emptied by a rebuild) and how it applies receipts. */
export interface ReadModelProjection {
  readonly name: string;
  readonly tables: readonly string[];
  /** MUST be idempotent and run inside the caller's transaction (the one that moves the checkpoint). */
  apply(tx: SqlExecutor, receipts: readonly Receipt[]): Promise<void>;
}
