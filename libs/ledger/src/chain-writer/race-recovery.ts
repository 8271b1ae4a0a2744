import { ConcurrencyError, type EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import type { Job, PlannedJob } from './chain-writer.types';
import { receiptOf } from '../commands/stored-receipt';

/**
 * After a failed append: finds what of this attempt was stored, finishes those jobs, and returns
 * the ones to try again (at most `maxAttempts` in all). A receipt under one of our ids is ours only
 * when it is the very receipt this attempt built (same hash): another instance's receipt for the
 * same idempotent command is its decision, not ours, and the job is built again on the fresh head
 * (where it finds that decision).
 */
export async function recoverLostAppend(
  store: EventStore,
  at: { tenantId: string; startSequence: number; maxAttempts: number },
  planned: readonly PlannedJob[],
  receipts: readonly Receipt[],
  err: unknown,
): Promise<Job[]> {
  const { tenantId, startSequence, maxAttempts } = at;
  let storedIds: Map<string, Receipt>;
  try {
    const back = await store.read(tenantId, { from: startSequence + 1, limit: receipts.length + 1000 });
    storedIds = new Map(back.map((e) => [e.id, receiptOf(e)]));
  } catch (readErr) {
    for (const p of planned) p.job.reject(err instanceof ConcurrencyError ? readErr : err);
    return [];
  }
  const attempted = new Map(receipts.map((r) => [r.receiptId, r.integrity.receiptHash]));
  const retry: Job[] = [];
  for (const p of planned) {
    const found = p.drafts.map((d) => storedIds.get(d.receiptId)).filter((r): r is Receipt => !!r);
    const stored = found.filter((r) => r.integrity?.receiptHash === attempted.get(r.receiptId));
    const prior = p.job.stored ?? [];
    if (stored.length < found.length) {
      if (prior.length > 0 || stored.length > 0 || p.job.attempt + 1 >= maxAttempts) {
        p.job.reject(new ConcurrencyError(tenantId, startSequence));
        continue;
      }
      p.job.attempt += 1;
      p.job.remaining = undefined;
      retry.push(p.job);
      continue;
    }
    if (stored.length === p.drafts.length) {
      const all = [...prior, ...stored];
      p.job.resolve({ value: p.finish(all), position: all[all.length - 1]?.sequence ?? startSequence });
      continue;
    }
    if (!(err instanceof ConcurrencyError) || p.job.attempt + 1 >= maxAttempts) {
      p.job.reject(err);
      continue;
    }
    p.job.attempt += 1;
    if (stored.length > 0 || p.job.remaining) {
      // A prefix of this job is committed: its decision stands, so finish it rather than rebuild.
      const storedSet = new Set(stored.map((r) => r.receiptId));
      p.job.remaining = p.drafts.filter((d) => !storedSet.has(d.receiptId));
      p.job.stored = [...prior, ...stored];
      p.job.finish = p.finish;
    }
    retry.push(p.job);
  }
  return retry;
}
