import { incidentSeverityOf } from '@oars/domain';
import { ReceiptStreamBuilder, givenActionRequested, givenIntegrityViolation } from '@oars/testing';
import { integrityViolationAlert } from './integrity-violation.rule';

describe('integrityViolationAlert', () => {
  const stream = new ReceiptStreamBuilder('tenant_iv');

  it('raises a critical INTEGRITY_VIOLATION (SEV1) per finding, with the finding in its metadata', () => {
    const finding = givenIntegrityViolation(stream, 7);
    const alert = integrityViolationAlert(finding)!;
    expect(alert).toMatchObject({
      tenantId: 'tenant_iv',
      actionId: null,
      severity: 'critical',
      code: 'INTEGRITY_VIOLATION',
      message: 'Integrity violation in the stream of tenant_iv: a signature that does not verify at sequence 7.',
      createdAt: finding.timestamp,
      metadata: { target: 'receipt_chain', kind: 'bad_signature', sequence: 7, detail: 'Receipt hash mismatch.', findingReceiptId: finding.receiptId },
    });
    expect(incidentSeverityOf(alert)).toBe('SEV1');
  });

  it('derives the id from the tenant and the finding: the same finding recorded again raises the same alert', () => {
    const again = integrityViolationAlert(givenIntegrityViolation(stream, 7))!;
    expect(again.id).toBe(integrityViolationAlert(givenIntegrityViolation(stream, 7))!.id);
    expect(again.id).toMatch(/^alrt_[0-9a-f]{24}_integrity_violation$/);
    expect(integrityViolationAlert(givenIntegrityViolation(stream, 8))!.id).not.toBe(again.id);
    expect(integrityViolationAlert(givenIntegrityViolation(new ReceiptStreamBuilder('tenant_other'), 7))!.id).not.toBe(again.id);
  });

  it('names a gap, a chain break and the platform stream; ignores other receipts and malformed findings', () => {
    const platform = new ReceiptStreamBuilder('_platform');
    const gap = platform.next({ type: 'integrity.violation_detected', data: { sequence: 3, kind: 'sequence_gap', detail: 'expected 3, got 5' } });
    expect(integrityViolationAlert(gap)!.message).toBe('Integrity violation in the platform stream: a gap in the sequence at sequence 3.');
    expect(integrityViolationAlert(givenActionRequested(stream))).toBeNull();
    expect(integrityViolationAlert(stream.next({ type: 'integrity.violation_detected', data: { kind: 'chain_break' } }))).toBeNull();
  });
});
