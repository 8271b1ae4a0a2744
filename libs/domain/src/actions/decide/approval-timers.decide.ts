import { alertForEscalation } from '../../alerts/alert.types';
import { APPROVAL_EXPIRED_ERROR, escalateApproval, expireApproval } from '../../approvals/approval-timers';
import type { EscalateApproval, ExpireApproval } from '../action.commands';
import type { ActionEvent } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import { derivedReceiptId } from '../receipt-id';
import { existing, nextEvent } from './action-event.build';

/**
 * A pending approval past `expiresAt`: `approval.expired`, then `action.canceled` ("Approval
 * expired."). Ids derive from the approval, so two instances firing the same timer collapse.
 */
export function decideExpireApproval(cmd: ExpireApproval, state: ActionAggregateState): ActionEvent[] {
  if (state.actionId === null || !state.approval) return [];
  const action = existing(state);
  const approval = state.approval;
  const expired = expireApproval(approval, cmd.metadata.now);
  if (!expired) return [];
  return [
    nextEvent(action, { type: 'approval.expired', data: { approvalId: approval.id, expiredAt: cmd.metadata.now, approval: expired } }, derivedReceiptId(approval.id, 'approval.expired')),
    nextEvent(action, { type: 'action.canceled', data: { error: APPROVAL_EXPIRED_ERROR, approvalId: approval.id } }, derivedReceiptId(approval.id, 'approval.expired', 'action.canceled')),
  ];
}

/**
 * A pending approval whose current stage passed its SLA: `approval.escalated` (once per stage) and
 * the alert that notifies the escalation targets.
 */
export function decideEscalateApproval(cmd: EscalateApproval, state: ActionAggregateState): ActionEvent[] {
  if (state.actionId === null || !state.approval) return [];
  const action = existing(state);
  const { tenantId, actionId, now } = cmd.metadata;
  const escalated = escalateApproval(state.approval, now);
  if (!escalated) return [];
  const { approvalId, stageId, stageName, escalateTo, overdueSeconds } = escalated.escalation;
  const alert = alertForEscalation({ tenantId, actionId, approvalId, stageId, stageName, escalateTo, overdueSeconds, now });
  return [
    nextEvent(
      action,
      { type: 'approval.escalated', data: { approvalId, stageId, stageName, escalateTo, overdueSeconds, approval: escalated.approval } },
      derivedReceiptId(approvalId, 'approval.escalated', stageId),
    ),
    { type: 'alert.raised', data: { alert }, metadata: { receiptId: derivedReceiptId(alert.id) } },
  ];
}
