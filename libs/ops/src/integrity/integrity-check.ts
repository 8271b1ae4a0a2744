import type { StoredEvent } from '@oars/eventstore';
import { type Receipt, type VerifierCrypto, embeddedKeysOf, keyCustodyErrorOf, verifyReceiptSignature } from '@oars/receipts';

/** What the integrity verifier can find wrong with a tenant stream. */
export type IntegrityKind = 'sequence_gap' | 'chain_break' | 'bad_signature' | 'unknown_key' | 'key_custody' | 'malformed_receipt';
export const INTEGRITY_KINDS: readonly IntegrityKind[] = ['sequence_gap', 'chain_break', 'bad_signature', 'unknown_key', 'key_custody', 'malformed_receipt'];

export interface IntegrityFinding {
  /** The stream position where it was found. */
  sequence: number;
  kind: IntegrityKind;
  detail: string;
}

/** Where the verifier stands in one stream: everything up to `position` is checked. */
export interface VerifierPosition {
  position: number;
  /** receiptHash of the event at `position` (what the next prevEventHash must be). */
  lastHash: string | null;
  /** Public keys (keyId → SPKI PEM) the stream introduced, through key receipts that verified, up to `position`. */
  keys: Record<string, string>;
}

export const START_POSITION: VerifierPosition = { position: 0, lastHash: null, keys: {} };

/**
 * Checks stored events of `stream` after `from` (pure): gapless sequences, `prevEventHash` links,
 * receipt shape, Ed25519 signatures by keys the stream itself introduced (trust on first use: the
 * first `key.generated` introduces the first key; later keys only through a `key.rotated` signed by
 * the key it replaces), and key custody. Never throws; returns the new position and the findings.
 */
export function checkStreamEvents(
  stream: string,
  from: VerifierPosition,
  events: readonly StoredEvent[],
  crypto: VerifierCrypto,
): { position: VerifierPosition; findings: IntegrityFinding[] } {
  const at: VerifierPosition = { position: from.position, lastHash: from.lastHash, keys: { ...from.keys } };
  const findings: IntegrityFinding[] = [];
  for (const event of events) {
    const expected = at.position + 1;
    if (event.sequence < expected) continue;
    const afterGap = event.sequence > expected;
    if (afterGap) {
      const missing = event.sequence - 1 === expected ? `sequence ${expected}` : `sequences ${expected} to ${event.sequence - 1}`;
      findings.push({ sequence: expected, kind: 'sequence_gap', detail: `The stream skips ${missing}.` });
    }
    const r = event.data as unknown as Receipt;
    const shape = shapeProblem(stream, event.sequence, r);
    at.position = event.sequence;
    if (shape) {
      findings.push({ sequence: event.sequence, kind: 'malformed_receipt', detail: shape });
      at.lastHash = typeof r?.integrity?.receiptHash === 'string' ? r.integrity.receiptHash : null;
      continue;
    }
    const prev = r.integrity.prevEventHash;
    if (event.sequence === 1 ? prev !== null : !afterGap && prev !== at.lastHash) {
      findings.push({ sequence: event.sequence, kind: 'chain_break', detail: `prevEventHash ${String(prev)} is not the hash of sequence ${event.sequence - 1} (${String(at.lastHash)}).` });
    }
    findings.push(...checkSignature(r, at, crypto));
    at.lastHash = r.integrity.receiptHash;
  }
  return { position: at, findings };
}

function checkSignature(r: Receipt, at: VerifierPosition, crypto: VerifierCrypto): IntegrityFinding[] {
  const out: IntegrityFinding[] = [];
  const isKeyReceipt = r.type === 'key.generated' || r.type === 'key.rotated';
  const signer = r.integrity.signingKeyId;
  const custody = isKeyReceipt ? keyCustodyErrorOf(r) : null;
  if (custody) out.push({ sequence: r.sequence, kind: 'key_custody', detail: custody });
  let pem: string | undefined = at.keys[signer];
  if (r.type === 'key.generated') {
    if (Object.keys(at.keys).length > 0) {
      out.push({ sequence: r.sequence, kind: 'key_custody', detail: `Sequence ${r.sequence}: key.generated after the stream already has keys; only key.rotated may introduce a key.` });
    } else {
      pem = embeddedKeysOf(r).find((k) => k.keyId === signer)?.publicKeyPem;
    }
  }
  if (!pem) {
    out.push({ sequence: r.sequence, kind: 'unknown_key', detail: `Signed by ${signer}, which no key receipt of the stream introduced before it.` });
    return out;
  }
  const verdict = verifyReceiptSignature(r, pem, crypto);
  if (!verdict.isSignatureValid) {
    out.push({ sequence: r.sequence, kind: 'bad_signature', detail: verdict.errors.join(' ') });
    return out;
  }
  if (isKeyReceipt && !custody && !(r.type === 'key.generated' && Object.keys(at.keys).length > 0)) {
    for (const k of embeddedKeysOf(r)) at.keys[k.keyId] = k.publicKeyPem;
  }
  return out;
}

function shapeProblem(stream: string, sequence: number, r: Receipt): string | null {
  if (typeof r !== 'object' || r === null) return 'The event carries no receipt.';
  if (r.tenantId !== stream) return `tenantId ${String(r.tenantId)} is not the stream's.`;
  if (r.sequence !== sequence) return `The receipt says sequence ${String(r.sequence)}, the stream ${sequence}.`;
  const i = r.integrity as Partial<Receipt['integrity']> | undefined;
  if (typeof i !== 'object' || i === null || typeof i.receiptHash !== 'string' || typeof i.signingKeyId !== 'string' || typeof i.signature !== 'string') {
    return 'The integrity block (receiptHash, signature, signingKeyId) is missing or malformed.';
  }
  if (i.prevEventHash !== null && typeof i.prevEventHash !== 'string') return 'prevEventHash is neither null nor a string.';
  return null;
}
