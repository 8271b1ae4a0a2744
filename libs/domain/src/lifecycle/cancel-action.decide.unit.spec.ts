import { sha256Hex } from '@oars/receipts';
import { decideCancelAction } from './cancel-action.decide';
import { ActionNotCancelableError, NotActionRequesterError } from './lifecycle.errors';
import { REQUESTER, givenApprovalRequired, givenApprovedFor, givenReceipt } from './lifecycle.fixtures';
import type { LatestActionReceipt } from './action-status';

const NOW = '2026-01-02T00:00:00.000Z';
const when = (latest: LatestActionReceipt, by = REQUESTER, admin = false, reason: string | null = null) =>
  decideCancelAction({ latest, canceledBy: by, callerIsAdmin: admin, reason, now: NOW });

describe('decideCancelAction', () => {
  it('given an action waiting for approval, when its requester cancels, then action.canceled carries the canceled approval', () => {
    const decision = when(givenApprovalRequired(), REQUESTER, false, 'no longer needed');
    expect(decision).toEqual({
      kind: 'cancel',
      transition: {
        type: 'action.canceled',
        data: expect.objectContaining({ error: `Action canceled by ${REQUESTER}.`, canceledBy: REQUESTER, reasonHash: sha256Hex('no longer needed'), approvalId: 'apr_1' }),
      },
    });
    if (decision.kind !== 'cancel') throw new Error('unreachable');
    expect(decision.transition.data.approval).toMatchObject({ id: 'apr_1', status: 'canceled', updatedAt: NOW });
  });

  it('given an action approved for its agent, when an admin cancels it, then action.canceled without an approval', () => {
    const decision = when(givenApprovedFor('agent'), 'admin_user', true);
    expect(decision).toEqual({ kind: 'cancel', transition: { type: 'action.canceled', data: { error: 'Action canceled by admin_user.', canceledBy: 'admin_user' } } });
  });

  it('given a canceled action, when canceled again, then nothing new (the existing receipt answers)', () => {
    expect(when(givenReceipt('action.canceled', { error: 'x' }))).toEqual({ kind: 'already_canceled' });
  });

  it('refuses anyone but the requester and admins, before anything else', () => {
    expect(() => when(givenApprovalRequired(), 'someone_else')).toThrow(NotActionRequesterError);
    expect(() => when(givenReceipt('action.executed'), 'someone_else')).toThrow(NotActionRequesterError);
  });

  it.each([
    ['executed', givenReceipt('action.executed')],
    ['denied', givenReceipt('action.denied')],
    ['approved for OARS', givenApprovedFor('oars')],
    ['approved for an HTTP connector (the call may be under way)', givenApprovedFor('http')],
    ['requested only', givenReceipt('action.requested')],
  ])('refuses an action that is %s with action_not_cancelable', (_label, latest) => {
    expect(() => when(latest)).toThrow(ActionNotCancelableError);
    try {
      when(latest);
    } catch (err) {
      expect((err as ActionNotCancelableError).code).toBe('action_not_cancelable');
    }
  });
});
