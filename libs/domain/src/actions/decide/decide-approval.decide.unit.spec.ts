import { actionEvents, given } from '@oars/testing';
import { ApprovalRuleError } from '../../approvals/approval.errors';
import { type StepUpEvidence, reasonHashOf } from '../../approvals/decide-approval';
import { hotp, totpTimeStep } from '../../approvals/totp';
import { ActionNotFoundError } from '../../lifecycle/lifecycle.errors';
import type { DecideApproval } from '../action.commands';
import { actionDecider } from '../action.decide';
import { derivedReceiptId } from '../receipt-id';

const { FACTS, NO_HTTP, T0, T1, givenActionRequested, givenApprovalRequired, givenEvent, pendingApproval, policyDeciding, stage, timer } = actionEvents;

const NO_STEP_UP: StepUpEvidence = { code: null, totp: null, sharedCode: null };
const decide = (approverId: string, over: Partial<DecideApproval['data']> = {}): DecideApproval => ({
  type: 'DecideApproval',
  data: { approverId, decision: 'approve', reasonHash: reasonHashOf('ok'), stepUp: NO_STEP_UP, policy: policyDeciding('allow'), httpToolIds: NO_HTTP, ...over },
  metadata: timer(T1),
});
const decidedIdOf = (approverId: string, decision = 'approve', stageIndex = 0) => derivedReceiptId('apr_1', String(stageIndex), approverId, decision, reasonHashOf('ok'));

describe('DecideApproval', () => {
  it('given a pending two-stage approval, when the first stage approves, then approval.decided only, with the snapshot advanced', () => {
    const approval = pendingApproval([stage('s1'), stage('s2')]);
    const events = given(actionDecider, givenActionRequested(), givenApprovalRequired(approval)).when(decide('alice')).events();
    expect(events).toEqual([
      givenEvent(
        {
          type: 'approval.decided',
          data: {
            approvalId: 'apr_1', stageIndex: 0, stageId: 's1', approverId: 'alice', decision: 'approve', reasonHash: reasonHashOf('ok'), stepUp: null,
            approval: expect.objectContaining({ status: 'pending', currentStageIndex: 1, stageStartedAt: T1 }),
          },
        },
        { receiptId: decidedIdOf('alice') },
      ),
    ]);
  });

  it('given the final approval, then decided, approved under the policy re-evaluated now (its facts on the conclusion)', () => {
    const [decided, approved, ...rest] = given(actionDecider, givenApprovalRequired()).when(decide('alice')).events();
    expect(decided).toMatchObject({ type: 'approval.decided', metadata: { policy: FACTS.policy, risk: FACTS.risk } });
    expect(approved).toEqual({
      type: 'action.approved',
      data: { executedBy: 'agent', approvalId: 'apr_1' },
      metadata: expect.objectContaining({ receiptId: derivedReceiptId(decidedIdOf('alice'), 'action.approved'), policy: expect.objectContaining({ decision: 'allow' }), actor: FACTS.actor }),
    });
    expect(rest).toEqual([]);
  });

  it('names the HTTP connector as executor of an approved tool it executes', () => {
    const events = given(actionDecider, givenApprovalRequired()).when(decide('alice', { httpToolIds: new Set([FACTS.resource.toolId]) })).events();
    expect(events[1]).toMatchObject({ type: 'action.approved', data: { executedBy: 'http' } });
  });

  it('denies at the final approval when the policy in force now denies, raising the alert under the conclusion id', () => {
    const events = given(actionDecider, givenApprovalRequired()).when(decide('alice', { policy: policyDeciding('deny') })).events();
    expect(events.map((e) => e.type)).toEqual(['approval.decided', 'action.denied', 'alert.raised']);
    expect(events[1]).toMatchObject({ data: { error: 'Action denied by the current policy at final approval.', approvalId: 'apr_1', reevaluatedDecision: 'deny' } });
    expect(events[2]!.metadata.receiptId).toBe(derivedReceiptId(decidedIdOf('alice'), 'alert'));
  });

  it('denies a rejected approval naming the approver, keeping the original policy facts', () => {
    const events = given(actionDecider, givenApprovalRequired()).when(decide('bob', { decision: 'reject' })).events();
    expect(events[1]).toEqual(givenEvent({ type: 'action.denied', data: { error: 'Approval rejected by bob.', approvalId: 'apr_1' } }, { receiptId: derivedReceiptId(decidedIdOf('bob', 'reject'), 'action.denied') }));
  });

  it('records the TOTP time step a critical approval used, on the approver’s step-up aggregate', () => {
    const secret = Buffer.from('12345678901234567890');
    const step = totpTimeStep(Date.parse(T1));
    const stepUp: StepUpEvidence = { code: hotp(secret, step), totp: { enrollmentId: 'stp_1', enrolledAt: T0, secret, lastTimeStep: null }, sharedCode: null };
    const events = given(actionDecider, givenApprovalRequired(pendingApproval([stage('s1')], 'critical'))).when(decide('alice', { stepUp })).events();
    expect(events.map((e) => e.type)).toEqual(['approval.decided', 'action.approved', 'stepup.used']);
    expect(events[2]).toEqual({ type: 'stepup.used', data: { subject: 'alice', enrollmentId: 'stp_1', enrolledAt: T0, lastTimeStep: step }, metadata: { receiptId: derivedReceiptId(decidedIdOf('alice'), 'stepup.used') } });
  });

  it('given the same decision already recorded, or the approval concluded, then nothing (a retry is answered as before)', () => {
    const [decided] = given(actionDecider, givenApprovalRequired(pendingApproval([stage('s1'), stage('s2')]))).when(decide('alice')).events();
    given(actionDecider, givenApprovalRequired(pendingApproval([stage('s1'), stage('s2')])), decided!).when(decide('alice')).then([]);
    given(actionDecider, givenApprovalRequired(), givenEvent({ type: 'action.approved', data: { executedBy: 'agent', approvalId: 'apr_1' } })).when(decide('alice')).then([]);
  });

  it('refuses what the approval rules refuse, with their codes', () => {
    given(actionDecider, givenApprovalRequired()).when(decide('agent_owner')).thenThrows(ApprovalRuleError, 'separation_of_duties');
    given(actionDecider, givenApprovalRequired(pendingApproval([stage('s1')], 'critical'))).when(decide('alice')).thenThrows(ApprovalRuleError, 'step_up_required');
    given(actionDecider, givenApprovalRequired({ ...pendingApproval(), status: 'expired' })).when(decide('alice')).thenThrows(ApprovalRuleError, 'approval_not_pending');
  });

  it('refuses an approval of no action as not found', () => {
    given(actionDecider).when(decide('alice')).thenThrows(ActionNotFoundError, 'not_found');
  });
});
