import type { AlertRecord } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { INTEGRITY_VIOLATION_DETECTED } from '../integrity/integrity-findings';
import { governanceAlertId } from './raise-alert';

const KIND_TEXT: Readonly<Record<string, string>> = {
  sequence_gap: 'a gap in the sequence',
  chain_break: 'a broken hash chain',
  bad_signature: 'a signature that does not verify',
  unknown_key: 'a receipt signed by a key the stream never introduced',
  key_custody: 'a key handed over without custody',
  malformed_receipt: 'a malformed receipt',
};

/**
 * INTEGRITY_VIOLATION (critical, always SEV1): one per finding the integrity verifier recorded
 * (`integrity.violation_detected`, data `{sequence, kind, detail}`), whatever its kind: a gap, a
 * broken link, a bad signature, an unknown key, a custody break or a malformed receipt all mean the
 * stream can no longer be trusted as it is. Null for any other receipt.
 */
export function integrityViolationAlert(receipt: Receipt): AlertRecord | null {
  if (receipt.type !== INTEGRITY_VIOLATION_DETECTED) return null;
  const { sequence, kind, detail } = receipt.data;
  if (typeof sequence !== 'number' || typeof kind !== 'string') return null;
  const where = receipt.tenantId.startsWith('_') ? 'the platform stream' : `the stream of ${receipt.tenantId}`;
  return {
    id: governanceAlertId(receipt.tenantId, 'INTEGRITY_VIOLATION', kind, String(sequence)),
    tenantId: receipt.tenantId,
    actionId: null,
    severity: 'critical',
    code: 'INTEGRITY_VIOLATION',
    message: `Integrity violation in ${where}: ${KIND_TEXT[kind] ?? kind} at sequence ${sequence}.`,
    createdAt: receipt.timestamp,
    metadata: { target: 'receipt_chain', kind, sequence, detail: typeof detail === 'string' ? detail : null, findingReceiptId: receipt.receiptId },
  };
}
