import { createHash, randomUUID } from 'node:crypto';
import type { Receipt } from '@oars/receipts';

/** What a command handler asks the chain writer to record; the writer adds position, time and integrity. */
export interface ReceiptDraft {
  receiptId: string;
  type: string;
  /** Aggregate subject in the tenant stream, e.g. `action.act_…`. */
  subject: string;
  actionId: string | null;
  actor: Receipt['actor'];
  resource: Receipt['resource'];
  policy: Receipt['policy'];
  risk: Receipt['risk'];
  inputHash: string | null;
  telemetry: Receipt['telemetry'];
  data: Record<string, unknown>;
  /**
   * Hash of the action's previous receipt when it is already stored. Leave undefined to chain to the
   * previous draft of the same action in this write (or null for the action's first receipt).
   */
  prevReceiptHash?: string | null;
}

/** 32 lowercase hex characters (122 random bits): randomUUID draws from a pooled buffer, cheaper than randomBytes per call. */
export function randomHex32(): string {
  return randomUUID().replace(/-/g, '');
}

export function randomId(prefix: string): string {
  return `${prefix}_${randomHex32()}`;
}

/** A stable id derived from parts: retried commands collapse into the same ids. */
export function derivedId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}

/** The draft of a receipt outside any action's chain (keys, settings, alerts, step-up, findings). */
export function aggregateDraft(receiptId: string, type: string, subject: string, data: Record<string, unknown>): ReceiptDraft {
  return { receiptId, type, subject, actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data };
}
