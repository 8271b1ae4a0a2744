import type { Receipt } from '@oars/receipts';
import { actionEvents, given } from '@oars/testing';
import { actionDecider } from './action.decide';
import { actionEventOf } from './action.events';
import { actionStateOf, initialActionState } from './action.state';

const { FACTS, givenActionRequested, givenApprovalRequired, givenApprovedFor, givenEvent, pendingApproval } = actionEvents;

/** A stored receipt recording `event` (what the chain writer makes of it). */
function storedAs(event: ReturnType<typeof givenEvent>): Receipt {
  const { receiptId, actionId, ...facts } = event.metadata;
  return {
    receiptId, actionId, ...facts, type: event.type, data: event.data as unknown as Record<string, unknown>, version: '2', tenantId: 't1', region: 'r', sequence: 7,
    timestamp: '2026-03-01T10:00:00.000Z', telemetry: null, integrity: { prevEventHash: null, prevReceiptHash: null, receiptHash: 'h', signature: 's', signingKeyId: 'k', signatureAlg: 'Ed25519' },
  };
}

describe('evolveAction / actionStateOf', () => {
  it('folds the state each event leaves the action in', () => {
    expect(given(actionDecider, givenActionRequested()).state()).toMatchObject({ actionId: 'act_1', status: 'requested', facts: FACTS });
    expect(given(actionDecider, givenApprovedFor('http')).state()).toMatchObject({ status: 'approved', executor: 'http', approval: null });
    expect(given(actionDecider, givenApprovalRequired()).state()).toMatchObject({ status: 'approval_required', approval: { status: 'pending' } });
    const decided = givenEvent({ type: 'approval.decided', data: { approvalId: 'apr_1', stageIndex: 0, stageId: 's1', approverId: 'a', decision: 'approve', reasonHash: 'h', stepUp: null, approval: pendingApproval() } });
    expect(given(actionDecider, decided).state().status).toBe('approval_required');
  });

  it('reads a stored receipt back as the event it records: the latest receipt alone gives the state', () => {
    const event = givenApprovalRequired();
    expect(actionEventOf(storedAs(event))).toEqual(event);
    expect(actionStateOf(storedAs(event))).toEqual(given(actionDecider, givenActionRequested(), event).state());
    expect(actionStateOf(null)).toBe(initialActionState);
  });

  it('does not guess at receipts it does not know, but keeps who the action belongs to', () => {
    const unknown = { ...storedAs(givenActionRequested()), type: 'action.teleported' };
    expect(actionEventOf(unknown)).toBeNull();
    expect(actionStateOf(unknown)).toMatchObject({ actionId: 'act_1', status: null, facts: FACTS, latest: null });
    expect(actionEventOf({ ...unknown, type: 'alert.raised', actionId: null })).toBeNull();
  });
});
