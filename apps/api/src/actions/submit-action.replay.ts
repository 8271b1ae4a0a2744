import { actionStatusOf, isTerminalActionState } from '@oars/domain';
import { type ConnectorRequestKey, deleteConnectorRequest } from '@oars/connectors';
import { latestReceipt } from '@oars/ledger';
import { getAction } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { ApiError } from '../http/api-error';
import { submitResponseOf } from './submit-action.response';

/**
 * A retry stored an input for an action that already exists: keep it only while that action still
 * waits for its connector with this very input (the first submission's copy may be this one).
 */
export async function forgetUnusedInput(runtime: Runtime, key: ConnectorRequestKey): Promise<void> {
  const latest = await latestReceipt(runtime.store, key.tenantId, `action.${key.actionId}`);
  if (!latest || latest.inputHash !== key.inputHash || isTerminalActionState(actionStatusOf(latest).state)) await deleteConnectorRequest(runtime.sql, key);
}

/** The same Idempotency-Key again: the stored answer for the same request, 409 for a different one. */
export async function replaySubmission(runtime: Runtime, tenantId: string, actionId: string, requestHash: string, sequence: number, output: Record<string, unknown> | null) {
  await runtime.waitForPosition(tenantId, sequence);
  const found = await getAction(runtime.sql, [tenantId], actionId);
  if (!found) throw new ApiError(503, 'dependency_unavailable', 'The action is recorded but not yet readable; retry shortly.');
  const first = found.receipts[0]!;
  if ((first.data as { idempotencyRequestHash?: string }).idempotencyRequestHash !== requestHash) {
    throw new ApiError(409, 'idempotency_conflict', 'Idempotency-Key was already used with a different request payload.');
  }
  const last = found.receipts.filter((r) => r.type.startsWith('action.')).pop()!;
  return { response: submitResponseOf(actionId, last, last.type === 'action.executed' ? output : null), position: last.sequence };
}
