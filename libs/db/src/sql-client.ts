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

export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw) on a single connection. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Which engine answers: used for diagnostics and engine-specific tuning only. */
  readonly engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}
