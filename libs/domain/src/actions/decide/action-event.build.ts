import { alertForOutcome } from '../../alerts/alert.types';
import { ActionNotFoundError } from '../../lifecycle/lifecycle.errors';
import type { ActionChainEvent, ActionEventBody, ActionFacts, AlertRaised } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import type { ExecutionOutcome } from '../execution';
import { derivedReceiptId } from '../receipt-id';

/** The state of an action that exists (commands other than SubmitAction need one). */
export type ExistingAction = ActionAggregateState & { actionId: string; facts: ActionFacts };

export function existing(state: ActionAggregateState, what: 'Action' | 'Approval' = 'Action'): ExistingAction {
  if (state.actionId === null || state.facts === null) throw new ActionNotFoundError(what);
  return state as ExistingAction;
}

/**
 * The next event of the action's chain: the facts of the receipt before it (unless overridden, as
 * by a re-evaluated policy) and, by default, the id derived from the action and the type.
 */
export function nextEvent(
  state: ExistingAction,
  body: ActionEventBody,
  receiptId = derivedReceiptId(state.actionId, body.type),
  facts: Partial<ActionFacts> = {},
): ActionChainEvent {
  return { ...body, metadata: { receiptId, actionId: state.actionId, ...state.facts, ...facts } } as ActionChainEvent;
}

/** The receipt of an execution outcome: `executed` with the output's hash, or `failed` with the error. */
export function executionBody(actionId: string, outcome: ExecutionOutcome): ActionEventBody {
  return outcome.status === 'executed'
    ? { type: 'action.executed', data: { referenceId: `exec_${actionId}`, outputHash: outcome.outputHash } }
    : { type: 'action.failed', data: { error: outcome.error } };
}

/**
 * The alert OARS v1 §2.7 raises for the state `last` enters (denied, quarantined, failed; executed
 * at high or critical risk), or none. Its receipt id derives from the alert unless given.
 */
export function alertAfter(tenantId: string, last: ActionChainEvent, now: string, receiptId?: string): AlertRaised[] {
  const { actionId, resource, risk } = last.metadata;
  if (!resource || !risk) return [];
  const error = 'error' in last.data && typeof last.data.error === 'string' ? last.data.error : null;
  const alert = alertForOutcome({ tenantId, actionId, resource, risk, now, state: last.type.slice('action.'.length), error });
  return alert ? [{ type: 'alert.raised', data: { alert }, metadata: { receiptId: receiptId ?? derivedReceiptId(alert.id) } }] : [];
}
