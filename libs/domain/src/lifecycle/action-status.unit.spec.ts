import { actionStatusOf, isTerminalActionState } from './action-status';
import { latestActionReceipts } from '@oars/testing';

const { givenApprovalRequired, givenApprovedFor, givenPendingApproval, givenReceipt } = latestActionReceipts;

describe('actionStatusOf (the state an action is in, from its latest receipt)', () => {
  it('reads the state an action.* receipt names, with the executor of an approved action', () => {
    expect(actionStatusOf(givenApprovedFor('http'))).toEqual({ state: 'approved', executor: 'http', approval: null });
    expect(actionStatusOf(givenReceipt('action.approved'))).toMatchObject({ state: 'approved', executor: 'agent' });
    expect(actionStatusOf(givenReceipt('action.executed'))).toMatchObject({ state: 'executed', executor: null });
  });

  it('keeps the pending approval snapshot while the action waits for approval', () => {
    expect(actionStatusOf(givenApprovalRequired())).toMatchObject({ state: 'approval_required', approval: { status: 'pending' } });
    // A stage decision receipt of the chain that still carries a pending approval.
    expect(actionStatusOf(givenReceipt('approval.stage_approved', { approval: givenPendingApproval() }))).toMatchObject({ state: 'approval_required' });
  });

  it('does not guess at receipts it does not know', () => {
    expect(actionStatusOf(givenReceipt('action.teleported'))).toEqual({ state: null, executor: null, approval: null });
    expect(actionStatusOf(givenReceipt('approval.escalated', { approval: { ...givenPendingApproval(), status: 'approved' } })).state).toBeNull();
  });

  it('knows which states are terminal', () => {
    expect(['denied', 'executed', 'failed', 'quarantined', 'canceled'].every((s) => isTerminalActionState(s as never))).toBe(true);
    expect(['requested', 'approval_required', 'approved'].some((s) => isTerminalActionState(s as never))).toBe(false);
  });
});
