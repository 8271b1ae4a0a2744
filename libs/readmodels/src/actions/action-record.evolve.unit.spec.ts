import type { ActionRecord } from '@oars/domain';
import {
  ReceiptStreamBuilder,
  givenActionDecided,
  givenActionExecuted,
  givenActionLifecycle,
  givenActionRequested,
  givenKeyGenerated,
} from '@oars/testing';
import { evolveActionRecord } from './action-record.evolve';

const fold = (receipts: Parameters<typeof evolveActionRecord>[1][], from: ActionRecord | null = null) =>
  receipts.reduce<ActionRecord | null>((record, r) => evolveActionRecord(record, r), from);

describe('evolveActionRecord', () => {
  it('creates the record from action.requested, then follows the state the receipt types name', () => {
    const s = new ReceiptStreamBuilder('tenant_a');
    const requested = givenActionRequested(s);
    const pending = givenActionDecided(s, requested, 'approve', { approvalId: 'apr_9' });
    const record = fold([requested, pending]);
    expect(record).toMatchObject({ state: 'approval_required', approvalId: 'apr_9', policyDecision: 'approve', lastSequence: 2 });
    expect(record?.receiptIds).toEqual([requested.receiptId, pending.receiptId]);
  });

  it('ignores receipts it already applied, of other tenants, and of other kinds', () => {
    const s = new ReceiptStreamBuilder('tenant_a');
    const [requested, decided, executed] = givenActionLifecycle(s, 'allow');
    const record = fold([requested, decided, executed]);
    expect(evolveActionRecord(record, decided)).toBe(record);
    expect(evolveActionRecord(record, requested)).toBe(record);
    expect(evolveActionRecord(record, givenKeyGenerated(s))).toBe(record);
    const other = new ReceiptStreamBuilder('tenant_b', { after: 10 });
    expect(evolveActionRecord(record, { ...givenActionExecuted(other, decided), actionId: requested.actionId })).toBe(record);
  });

  it('has nothing to evolve without the requested receipt', () => {
    const s = new ReceiptStreamBuilder('tenant_a');
    const [, decided] = givenActionLifecycle(s, 'deny');
    expect(evolveActionRecord(null, decided)).toBeNull();
  });
});
