import { DatabaseUnavailableError, type SqlClient, type SqlExecutor, type TransactionOptions } from '@oars/db';
import { DependencyUnavailableError } from '../errors';

/** The port's error for a lost database; every other error passes through unchanged. */
function translate(err: unknown): unknown {
  return err instanceof DatabaseUnavailableError ? new DependencyUnavailableError('postgres', err.cause ?? err) : err;
}

/**
 * The embedded store's edge: the same `SqlClient`, with a lost connection reported as the
 * `DependencyUnavailableError` the EventStore port promises.
 */
export function atPortEdge(sql: SqlClient): SqlClient {
  return {
    engine: sql.engine,
    query: <R>(text: string, params?: readonly unknown[]) => sql.query<R>(text, params).catch((err) => Promise.reject(translate(err))),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions) => sql.transaction(fn, options).catch((err) => Promise.reject(translate(err))),
    close: () => sql.close(),
  };
}
