import { DependencyUnavailableError } from '@oars/eventstore';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** Connection-level failures become `DependencyUnavailableError`; SQL errors pass through unchanged. */
export function toDependencyError(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  if ((e?.code && CONNECTION_CODES.has(e.code)) || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? '')) {
    return new DependencyUnavailableError('postgres', err);
  }
  return err;
}
