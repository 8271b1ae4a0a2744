import type { CallerCommandMetadata, CancelAction, ReportActionResult } from '@oars/domain';
import { handleActionCommand, lastChainReceipt } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { type SubmitActionResponse, submitResponseOf } from '../actions/submit-action.response';
import type { Principal } from '../auth/token-registry';
import { notFound } from '../http/api-error';

/**
 * Runs a caller's command on an action of one of the caller's tenants (others' actions answer 404
 * like missing ones) and answers with the shape of `POST /v1/actions` for the receipt it appended,
 * or the latest one when the command was done already.
 */
export async function runCallerActionCommand(
  runtime: Runtime,
  request: { actionId: string; caller: Principal; requestId: string },
  command: (metadata: CallerCommandMetadata) => CancelAction | ReportActionResult,
): Promise<SubmitActionResponse> {
  const { actionId, caller, requestId } = request;
  const tenantId = await tenantOfAction(runtime, caller, actionId);
  const metadata = { tenantId, actionId, now: new Date().toISOString(), actor: caller.subject, callerIsAdmin: caller.role === 'admin' };
  const { value } = await handleActionCommand(runtime, {
    tenantId, actionId, requestId,
    command: () => command(metadata),
    answer: (outcome) => lastChainReceipt(outcome) ?? outcome.state.latest!,
  });
  return submitResponseOf(actionId, value, null);
}

async function tenantOfAction(runtime: Runtime, caller: Principal, actionId: string): Promise<string> {
  const subject = `action.${actionId}`;
  const found = await Promise.all(caller.tenantIds.map(async (t) => ((await runtime.store.lastBySubject(t, subject)) ? t : null)));
  const tenantId = found.find((t): t is string => t !== null);
  if (!tenantId) throw notFound('Action');
  return tenantId;
}
