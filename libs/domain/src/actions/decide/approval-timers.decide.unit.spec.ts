import { actionEvents, given } from '@oars/testing';
import type { EscalateApproval, ExpireApproval } from '../action.commands';
import { actionDecider } from '../action.decide';
import { derivedReceiptId } from '../receipt-id';

const { at, givenApprovalRequired, givenApprovedFor, givenEvent, pendingApproval, stage, timer } = actionEvents;

const expire = (now: string): ExpireApproval => ({ type: 'ExpireApproval', data: {}, metadata: timer(now) });
const escalate = (now: string): EscalateApproval => ({ type: 'EscalateApproval', data: {}, metadata: timer(now) });

describe('ExpireApproval', () => {
  it('given a pending approval past its expiry, then approval.expired and action.canceled with ids derived from the approval', () => {
    const approval = pendingApproval([stage('s1')], 'high', 3600);
    given(actionDecider, givenApprovalRequired(approval)).when(expire(at(3600))).then([
      givenEvent({ type: 'approval.expired', data: { approvalId: 'apr_1', expiredAt: at(3600), approval: { ...approval, status: 'expired', updatedAt: at(3600) } } }, { receiptId: derivedReceiptId('apr_1', 'approval.expired') }),
      givenEvent({ type: 'action.canceled', data: { error: 'Approval expired.', approvalId: 'apr_1' } }, { receiptId: derivedReceiptId('apr_1', 'approval.expired', 'action.canceled') }),
    ]);
  });

  it('given an approval not yet due, without expiry, or concluded, then nothing', () => {
    given(actionDecider, givenApprovalRequired(pendingApproval([stage('s1')], 'high', 3600))).when(expire(at(3599))).then([]);
    given(actionDecider, givenApprovalRequired(pendingApproval([stage('s1')], 'high', null))).when(expire(at(10 ** 8))).then([]);
    given(actionDecider, givenApprovalRequired(), givenApprovedFor('agent')).when(expire(at(9999))).then([]);
    given(actionDecider).when(expire(at(9999))).then([]);
  });
});

describe('EscalateApproval', () => {
  const sla = () => pendingApproval([stage('s1', { slaSeconds: 60, escalateTo: ['oncall', 'lead'] })]);

  it('given a stage past its SLA, then approval.escalated and the escalation alert', () => {
    const approval = sla();
    const [escalated, alert] = given(actionDecider, givenApprovalRequired(approval)).when(escalate(at(75))).events();
    expect(escalated).toEqual(
      givenEvent(
        {
          type: 'approval.escalated',
          data: { approvalId: 'apr_1', stageId: 's1', stageName: 'Stage s1', escalateTo: ['oncall', 'lead'], overdueSeconds: 15, approval: { ...approval, escalatedStageIds: ['s1'], updatedAt: at(75) } },
        },
        { receiptId: derivedReceiptId('apr_1', 'approval.escalated', 's1') },
      ),
    );
    expect(alert).toMatchObject({ type: 'alert.raised', data: { alert: { code: 'APPROVAL_ESCALATED', severity: 'high', metadata: { escalateTo: ['oncall', 'lead'] } } } });
    expect(alert!.metadata.receiptId).toBe(derivedReceiptId((alert!.data as { alert: { id: string } }).alert.id));
  });

  it('escalates a stage once, and never before its deadline', () => {
    const history = [givenApprovalRequired(sla())];
    given(actionDecider, ...history).when(escalate(at(59))).then([]);
    const [escalated] = given(actionDecider, ...history).when(escalate(at(75))).events();
    given(actionDecider, ...history, escalated!).when(escalate(at(120))).then([]);
  });
});
