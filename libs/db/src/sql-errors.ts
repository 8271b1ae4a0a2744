const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/**
 * Postgres cannot be reached or dropped the connection. Its code is the one the API's error filter
 * answers 503 for; the embedded event store turns it into the port's `DependencyUnavailableError`
 * at its edge, so this lib depends on no other.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'dependency_unavailable';
  readonly dependency = 'postgres';
  constructor(cause?: unknown) {
    super('postgres is unavailable.', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** Connection-level failures become `DatabaseUnavailableError`; SQL errors pass through unchanged. */
export function toDependencyError(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  if ((e?.code && CONNECTION_CODES.has(e.code)) || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? '')) {
    return new DatabaseUnavailableError(err);
  }
  return err;
}
