import { sha256Hex } from '@oars/receipts';
import type { ActionTransition } from '../actions/submit-action.decide';
import { type LatestActionReceipt, actionStatusOf } from './action-status';
import { ActionNotCancelableError, NotActionRequesterError } from './lifecycle.errors';

export interface CancelActionCommand {
  latest: LatestActionReceipt;
  /** The authenticated caller (token subject). */
  canceledBy: string;
  callerIsAdmin: boolean;
  /** Free text; only its SHA-256 goes into the receipt. */
  reason: string | null;
  now: string;
}

export type CancelActionDecision =
  | { kind: 'cancel'; transition: ActionTransition }
  /** Canceled already: the command is answered with the existing `action.canceled` receipt. */
  | { kind: 'already_canceled' };

/**
 * Cancels an action that is still pending: waiting for approval (the approval ends `canceled`
 * too) or approved and waiting for its agent's result. Actions executed by OARS (inline or through
 * an HTTP connector) are never pending from the caller's view: the call may be under way.
 * MUST refuse anyone but the requester (the actor's userId) and admins, before revealing anything else.
 */
export function decideCancelAction(cmd: CancelActionCommand): CancelActionDecision {
  const { latest } = cmd;
  if (!cmd.callerIsAdmin && latest.actor?.userId !== cmd.canceledBy) throw new NotActionRequesterError('cancel');
  if (latest.type === 'action.canceled') return { kind: 'already_canceled' };
  const status = actionStatusOf(latest);
  const facts = {
    error: `Action canceled by ${cmd.canceledBy}.`,
    canceledBy: cmd.canceledBy,
    ...(cmd.reason !== null ? { reasonHash: sha256Hex(cmd.reason) } : {}),
  };
  if (status.state === 'approval_required' && status.approval) {
    const approval = { ...status.approval, status: 'canceled' as const, updatedAt: cmd.now };
    return { kind: 'cancel', transition: { type: 'action.canceled', data: { ...facts, approvalId: approval.id, approval } } };
  }
  if (status.state === 'approved' && status.executor === 'agent') {
    return { kind: 'cancel', transition: { type: 'action.canceled', data: facts } };
  }
  throw new ActionNotCancelableError(status.state);
}
