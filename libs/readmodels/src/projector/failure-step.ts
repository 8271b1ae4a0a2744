import { classifyFailure } from '../dead-letters/projection-failure';
import type { TenantProgress } from './projector-status';

/** What the projector does after a tenant's batch failed. */
export type FailureStep =
  /** Try again after `delayMs` (null: the usual backoff of the tenant's attempts), showing `level` and `message`. */
  | { kind: 'retry'; level: 'WARN' | 'ERROR'; message: string; delayMs: number | null }
  /** Park the next event as a dead letter, after `attempts` failures of its own. */
  | { kind: 'park'; reason: string; attempts: number };

/**
 * The decision after a failed batch (pure; it updates `p.limit` and `p.rejections`). The next batch is
 * half the size, so the receipts before the one that fails still reach the read models: at once when
 * the failure is the events' own (deterministic, see `classifyFailure`), after the backoff otherwise.
 * Alone, an event that fails deterministically is tried `parkAfterAttempts` times with backoff
 * (`backoff(n)` after the n-th failure), then parked: WARN meanwhile, since the tenant will go on.
 * Any other failure (connection loss, deadlock, ...) is ERROR and retried for as long as it lasts.
 */
export function failureStep(p: TenantProgress, err: unknown, batchSize: number, parkAfterAttempts: number, backoff: (n: number) => number): FailureStep {
  const failure = classifyFailure(err);
  const limit = p.limit ?? batchSize;
  p.limit = Math.max(1, Math.floor(limit / 2));
  if (!failure.deterministic) return { kind: 'retry', level: 'ERROR', message: failure.reason, delayMs: null };
  if (limit > 1) return { kind: 'retry', level: 'WARN', message: failure.reason, delayMs: 0 };
  p.rejections++;
  if (p.rejections >= parkAfterAttempts) return { kind: 'park', reason: failure.reason, attempts: p.rejections };
  const message = `event ${p.position + 1} failed ${p.rejections} time(s), parked after ${parkAfterAttempts}: ${failure.reason}`;
  return { kind: 'retry', level: 'WARN', message, delayMs: backoff(p.rejections) };
}
