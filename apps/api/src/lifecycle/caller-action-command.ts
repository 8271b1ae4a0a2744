import { ActionNotAwaitingResultError, ActionNotCancelableError, NotActionRequesterError } from '@oars/domain';
import type { ReceiptDraft } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import { aggregateKey, aggregateLockOf } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';

/**
 * Runs a lifecycle command on an action of one of the caller's tenants (others answer 404) and
 * returns the receipt that answers it. `build` decides on the action's latest receipt inside the
 * chain writer (a decision can never be appended after the action moved on) and returns the drafts
 * to append, or none when the command was already done — then the latest receipt answers. The
 * action's lock (shared with the approval commands) keeps two commands on one action out of one
 * group commit in this process; across processes the writer's expected-head check does.
 */
export async function writeActionTransition(runtime: Runtime, caller: Principal, actionId: string, build: (latest: Receipt) => ReceiptDraft[]): Promise<Receipt> {
  const subject = `action.${actionId}`;
  const found = await Promise.all(caller.tenantIds.map(async (t) => ((await runtime.store.lastBySubject(t, subject)) ? t : null)));
  const tenantId = found.find((t): t is string => t !== null);
  if (!tenantId) throw notFound('Action');
  try {
    return await aggregateLockOf(runtime.writer).run([aggregateKey(tenantId, subject)], async () => {
      const { value } = await runtime.writer.write<Receipt>(tenantId, async () => {
        const latest = (await runtime.store.lastBySubject(tenantId, subject))!.data as unknown as Receipt;
        const drafts = build(latest);
        return { drafts, finish: (receipts: Receipt[]) => receipts[0] ?? latest };
      });
      return value;
    });
  } catch (err) {
    throw apiErrorOf(err);
  }
}

function apiErrorOf(err: unknown): unknown {
  if (err instanceof NotActionRequesterError) return new ApiError(403, err.code, err.message);
  if (err instanceof ActionNotCancelableError || err instanceof ActionNotAwaitingResultError) return new ApiError(409, err.code, err.message);
  return err;
}
