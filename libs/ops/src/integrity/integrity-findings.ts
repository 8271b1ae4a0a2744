import { createHash } from 'node:crypto';
import type { EventStore } from '@oars/eventstore';
import { type ReceiptDraft, type TenantChainWriter, derivedId } from '@oars/ledger';
import type { IntegrityFinding } from './integrity-check';

export const INTEGRITY_VIOLATION_DETECTED = 'integrity.violation_detected';
const PER_WRITE = 100;

/** The aggregate subject of one finding: the same finding found again (after a restart, by another instance) is recorded once. */
export function findingSubject(f: IntegrityFinding): string {
  return `integrity.vio_${createHash('sha256').update(`${f.kind}\u0000${f.sequence}`).digest('hex').slice(0, 32)}`;
}

/**
 * Records findings as `integrity.violation_detected` receipts in the tenant's own stream (data
 * `{sequence, kind, detail}`), signed and chained like every receipt, so the finding itself is
 * tamper-evident and reaches the read models, alerts and exports like any event. Findings already
 * recorded are skipped.
 */
export async function recordFindings(writer: TenantChainWriter, store: EventStore, tenantId: string, findings: readonly IntegrityFinding[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < findings.length; i += PER_WRITE) {
    const chunk = findings.slice(i, i + PER_WRITE);
    const { value } = await writer.write(tenantId, async () => {
      const drafts: ReceiptDraft[] = [];
      for (const f of chunk) {
        const subject = findingSubject(f);
        if (await store.lastBySubject(tenantId, subject)) continue;
        drafts.push({
          receiptId: derivedId('rcpt', tenantId, INTEGRITY_VIOLATION_DETECTED, f.kind, String(f.sequence)),
          type: INTEGRITY_VIOLATION_DETECTED,
          subject,
          actionId: null,
          actor: null,
          resource: null,
          policy: null,
          risk: null,
          inputHash: null,
          telemetry: null,
          data: { sequence: f.sequence, kind: f.kind, detail: f.detail },
        });
      }
      return { drafts, finish: () => drafts.length };
    });
    written += value;
  }
  return written;
}
