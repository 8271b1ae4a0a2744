import { sha256Hex } from '@oars/receipts';
import { ActionNotCancelableError, NotActionRequesterError } from '../../lifecycle/lifecycle.errors';
import type { CallerCommandMetadata, CancelAction } from '../action.commands';
import type { ActionEvent } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import { type ExistingAction, existing, nextEvent } from './action-event.build';

/** MUST come before anything else is revealed: only the requester (the actor's userId) or an admin acts on an action. */
export function assertRequester(action: ExistingAction, metadata: CallerCommandMetadata, what: 'cancel' | 'report the result of'): void {
  if (!metadata.callerIsAdmin && action.facts.actor?.userId !== metadata.actor) throw new NotActionRequesterError(what);
}

/**
 * Cancels an action that is still pending: waiting for approval (the approval ends `canceled`
 * too) or approved and waiting for its agent's result. Actions executed by OARS (inline or through
 * an HTTP connector) are never pending from the caller's view: the call may be under way. Canceled
 * already: nothing (the existing receipt answers).
 */
export function decideCancelAction(cmd: CancelAction, state: ActionAggregateState): ActionEvent[] {
  const action = existing(state);
  const { actor: canceledBy, now } = cmd.metadata;
  assertRequester(action, cmd.metadata, 'cancel');
  if (action.latest?.type === 'action.canceled') return [];
  const facts = {
    error: `Action canceled by ${canceledBy}.`,
    canceledBy,
    ...(cmd.data.reason !== null ? { reasonHash: sha256Hex(cmd.data.reason) } : {}),
  };
  if (action.status === 'approval_required' && action.approval) {
    const approval = { ...action.approval, status: 'canceled' as const, updatedAt: now };
    return [nextEvent(action, { type: 'action.canceled', data: { ...facts, approvalId: approval.id, approval } })];
  }
  if (action.status === 'approved' && action.executor === 'agent') return [nextEvent(action, { type: 'action.canceled', data: facts })];
  throw new ActionNotCancelableError(action.status);
}
