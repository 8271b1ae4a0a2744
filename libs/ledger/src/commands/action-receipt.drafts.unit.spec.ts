import { type ActionEvent, type ActionEventMetadata, derivedReceiptId, stepUpSubjectOf } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { derivedId } from '../receipt-draft';
import { actionReceiptDrafts } from './action-receipt.drafts';

const facts: Omit<ActionEventMetadata, 'receiptId'> = {
  actionId: 'act_1',
  actor: { userId: 'u1', agentId: 'a1', serviceId: 'oars-gateway', delegationChain: ['u1', 'a1', 'oars-gateway'] },
  resource: { toolId: 'jira', operation: 'create_ticket', target: 'SEC' },
  policy: null,
  risk: { score: 80, tier: 'high', signals: [] },
  inputHash: 'b'.repeat(64),
};
const chain = (type: 'action.approved' | 'action.executed', id: string): ActionEvent =>
  type === 'action.approved'
    ? { type, data: { executedBy: 'oars' }, metadata: { ...facts, receiptId: id } }
    : { type, data: { referenceId: 'exec_act_1', outputHash: 'c'.repeat(64) }, metadata: { ...facts, receiptId: id } };
const alert: ActionEvent = {
  type: 'alert.raised',
  data: { alert: { id: 'alrt_1_x', tenantId: 't', actionId: 'act_1', severity: 'high', code: 'HIGH_RISK_EXECUTED', message: 'm', createdAt: 'now', metadata: {} } },
  metadata: { receiptId: 'rcpt_alert' },
};
const previous = { receiptId: 'rcpt_prev', telemetry: { traceId: 'trc_first', spanId: 'spn_first', requestId: 'req_1' }, integrity: { receiptHash: 'f'.repeat(64) } } as Receipt;

describe('actionReceiptDrafts (the receipts of an action command)', () => {
  it('derives receipt ids exactly as the ledger does', () => {
    expect(derivedReceiptId('act_1', 'action.requested')).toBe(derivedId('rcpt', 'act_1', 'action.requested'));
  });

  it('continues the chain after the latest receipt: the first links to it, later ones to the draft before (the writer chains them)', () => {
    const [approved, executed, raised] = actionReceiptDrafts([chain('action.approved', 'rcpt_a'), chain('action.executed', 'rcpt_b'), alert], previous, 'req_2');
    expect(approved).toMatchObject({ receiptId: 'rcpt_a', type: 'action.approved', subject: 'action.act_1', ...facts, data: { executedBy: 'oars' }, prevReceiptHash: 'f'.repeat(64) });
    expect(executed).not.toHaveProperty('prevReceiptHash');
    expect(approved!.telemetry).toMatchObject({ traceId: 'trc_first', requestId: 'req_2' });
    expect(executed!.telemetry!.spanId).not.toBe(approved!.telemetry!.spanId);
    expect(raised).toEqual({ receiptId: 'rcpt_alert', type: 'alert.raised', subject: 'alert.alrt_1_x', actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data: { alert: alert.data.alert } });
  });

  it('gives a new action one new trace and span for the receipts of its submission, linked by the writer', () => {
    const drafts = actionReceiptDrafts([chain('action.approved', 'rcpt_a'), chain('action.executed', 'rcpt_b')], null, 'req_1');
    expect(drafts.every((d) => !('prevReceiptHash' in d))).toBe(true);
    expect(drafts[0]!.telemetry).toEqual(drafts[1]!.telemetry);
    expect(drafts[0]!.telemetry).toMatchObject({ traceId: expect.stringMatching(/^trc_[0-9a-f]{32}$/), spanId: expect.stringMatching(/^spn_[0-9a-f]{16}$/), requestId: 'req_1' });
  });

  it('records a step-up use on the approver’s step-up aggregate', () => {
    const used: ActionEvent = { type: 'stepup.used', data: { subject: 'alice', enrollmentId: 'stp_1', enrolledAt: 'then', lastTimeStep: 7 }, metadata: { receiptId: 'rcpt_s' } };
    expect(actionReceiptDrafts([used], previous, null)[0]).toMatchObject({ receiptId: 'rcpt_s', type: 'stepup.used', subject: stepUpSubjectOf('alice'), actionId: null, data: used.data });
  });
});
