/**
 * The one SQL seam: real Postgres (`pg.Pool`) and PGlite (in-process) both implement it, so the
 * embedded event store, the read models and the migration runner run unchanged on either.
 */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
}

export interface TransactionOptions {
  /**
   * false: the commit returns before its WAL record is flushed to disk (Postgres
   * `synchronous_commit = off` for this transaction). A crash of the database server can then lose
   * the transaction, never part of it. Only for work that is redone from its source after such a
   * loss, e.g. a projection whose checkpoint moves in the same transaction. Default true.
   */
  durable?: boolean;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw) on a single connection. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Which engine answers: used for diagnostics and engine-specific tuning only. */
  readonly engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}
