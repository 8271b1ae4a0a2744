import { RECEIPT_VERSION, type Receipt, type UnsignedReceipt, signReceipt } from '@oars/receipts';
import { keyringFromReceipt } from '../keyring';
import type { ReceiptDraft } from '../receipt-draft';
import type { KeyDraft, TenantState } from './chain-writer.types';
import { isKeyReceipt } from './key-custody';

/**
 * Chains the drafts after the head (sequence, timestamps, prevEventHash and prevReceiptHash) and
 * signs them. `alreadyStored` are receipts of the same jobs a lost race left committed: their
 * actions' chains continue from them. Signing stays on this thread: measured under load, handing
 * batches to a worker thread cost more (message passing and thread wake-ups) than the ~40 µs per
 * signature it saved.
 */
export function chainReceipts(
  at: { tenantId: string; region: string; timestamp: string },
  state: TenantState,
  drafts: readonly ReceiptDraft[],
  alreadyStored: readonly Receipt[],
): Receipt[] {
  if (drafts.length === 0) return [];
  if (!state.signer) throw new Error(`no signing key loaded for ${at.tenantId}`);
  const actionHashes = new Map<string, string>();
  for (const r of alreadyStored) if (r.actionId) actionHashes.set(r.actionId, r.integrity.receiptHash);
  let prevHash = state.lastHash;
  let sequence = state.sequence;
  let signer = state.signer;
  const out: Receipt[] = [];
  for (const d of drafts) {
    sequence += 1;
    const prevReceiptHash = d.prevReceiptHash !== undefined ? d.prevReceiptHash : d.actionId ? actionHashes.get(d.actionId) ?? null : null;
    const unsigned: UnsignedReceipt = {
      receiptId: d.receiptId,
      version: RECEIPT_VERSION,
      tenantId: at.tenantId,
      region: at.region,
      sequence,
      type: d.type,
      timestamp: at.timestamp,
      actionId: d.actionId,
      actor: d.actor,
      resource: d.resource,
      policy: d.policy,
      risk: d.risk,
      inputHash: d.inputHash,
      telemetry: d.telemetry,
      data: d.data,
      integrity: { prevEventHash: prevHash, prevReceiptHash, signingKeyId: signer.keyId, signatureAlg: 'Ed25519' },
    };
    const receipt = signReceipt(unsigned, signer);
    out.push(receipt);
    prevHash = receipt.integrity.receiptHash;
    if (d.actionId) actionHashes.set(d.actionId, prevHash);
    // After a key receipt, later receipts are signed by the ring's active key.
    const next = isKeyReceipt(d.type) ? (d as KeyDraft).signerAfter : undefined;
    if (next) signer = next;
  }
  return out;
}

/** Moves the head past receipts the store accepted: sequence, hash, timestamp, settings, key ring. */
export function advanceHead(state: TenantState, receipts: readonly Receipt[], drafts: readonly ReceiptDraft[], settingsSubjects: ReadonlySet<string>): void {
  const last = receipts[receipts.length - 1]!;
  state.sequence = last.sequence;
  state.lastHash = last.integrity.receiptHash;
  state.lastTimestamp = last.timestamp;
  drafts.forEach((d, i) => {
    if (settingsSubjects.has(d.subject)) state.settings.set(d.subject, receipts[i]!);
    if (isKeyReceipt(d.type)) {
      state.keyring = keyringFromReceipt(receipts[i]!);
      const next = (d as KeyDraft).signerAfter;
      if (next) state.signer = next;
    }
  });
}
