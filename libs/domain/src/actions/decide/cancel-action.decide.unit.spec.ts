import { sha256Hex } from '@oars/receipts';
import { actionEvents, given } from '@oars/testing';
import { ActionNotCancelableError, ActionNotFoundError, NotActionRequesterError } from '../../lifecycle/lifecycle.errors';
import type { CancelAction } from '../action.commands';
import { actionDecider } from '../action.decide';
import type { ActionChainEvent } from '../action.events';
import { derivedReceiptId } from '../receipt-id';

const { REQUESTER, T1, by, givenActionRequested, givenApprovalRequired, givenApprovedFor, givenEvent, pendingApproval } = actionEvents;

const cancel = (actor = REQUESTER, admin = false, reason: string | null = null): CancelAction => ({ type: 'CancelAction', data: { reason }, metadata: by(actor, admin) });
const canceledId = derivedReceiptId('act_1', 'action.canceled');

describe('CancelAction', () => {
  it('given an action waiting for approval, when its requester cancels, then action.canceled carries the canceled approval', () => {
    const approval = pendingApproval();
    given(actionDecider, givenActionRequested(), givenApprovalRequired(approval)).when(cancel(REQUESTER, false, 'no longer needed')).then([
      givenEvent(
        {
          type: 'action.canceled',
          data: { error: `Action canceled by ${REQUESTER}.`, canceledBy: REQUESTER, reasonHash: sha256Hex('no longer needed'), approvalId: approval.id, approval: { ...approval, status: 'canceled', updatedAt: T1 } },
        },
        { receiptId: canceledId },
      ),
    ]);
  });

  it('given an action approved for its agent, when an admin cancels it, then action.canceled without an approval', () => {
    given(actionDecider, givenApprovedFor('agent')).when(cancel('admin_user', true)).then([
      givenEvent({ type: 'action.canceled', data: { error: 'Action canceled by admin_user.', canceledBy: 'admin_user' } }),
    ]);
  });

  it('given a canceled action, when canceled again, then nothing new (the existing receipt answers)', () => {
    given(actionDecider, givenEvent({ type: 'action.canceled', data: { error: 'x' } })).when(cancel()).then([]);
  });

  it('refuses anyone but the requester and admins, before anything else', () => {
    given(actionDecider, givenApprovalRequired()).when(cancel('someone_else')).thenThrows(NotActionRequesterError, 'not_action_requester');
    given(actionDecider, givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: 'a'.repeat(64) } })).when(cancel('someone_else')).thenThrows(NotActionRequesterError);
  });

  it.each<[string, ActionChainEvent]>([
    ['executed', givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: 'a'.repeat(64) } })],
    ['denied', givenEvent({ type: 'action.denied', data: { error: 'Action denied by policy.' } })],
    ['approved for OARS', givenApprovedFor('oars')],
    ['approved for an HTTP connector (the call may be under way)', givenApprovedFor('http')],
    ['requested only', givenActionRequested()],
  ])('refuses an action that is %s with action_not_cancelable', (_label, latest) => {
    given(actionDecider, latest).when(cancel()).thenThrows(ActionNotCancelableError, 'action_not_cancelable');
  });

  it('refuses an action that does not exist as not found', () => {
    given(actionDecider).when(cancel()).thenThrows(ActionNotFoundError, 'not_found');
  });
});
