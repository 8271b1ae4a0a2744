import type { Receipt } from '../receipt.types';
import { ChainCursor, type ChainFinding } from './receipt-chain.cursor';
import { verifyReceiptSignature } from './receipt-signature.verify';
import { embeddedKeysOf, keyCustodyErrorOf } from './trusted-keys';
import type { VerifierCrypto } from './verifier-crypto';

/** What a stream check can find wrong with a stream. */
export type StreamFindingKind = 'sequence_gap' | 'chain_break' | 'bad_signature' | 'unknown_key' | 'key_custody' | 'malformed_receipt';
export const STREAM_FINDING_KINDS: readonly StreamFindingKind[] = ['sequence_gap', 'chain_break', 'bad_signature', 'unknown_key', 'key_custody', 'malformed_receipt'];

export interface StreamFinding {
  /** The stream position where it was found. */
  sequence: number;
  kind: StreamFindingKind;
  detail: string;
}

/** Where a stream check stands: everything up to `position` is checked. */
export interface StreamPosition {
  position: number;
  /** receiptHash of the event at `position` (what the next prevEventHash must be). */
  lastHash: string | null;
  /** Public keys (keyId → SPKI PEM) the stream introduced, through key receipts that verified, up to `position`. */
  keys: Record<string, string>;
}

export const STREAM_START: StreamPosition = { position: 0, lastHash: null, keys: {} };

/** One stored entry of a stream: its position and the receipt stored there (anything parsed from JSON). */
export interface StreamEntry {
  sequence: number;
  data: unknown;
}

/**
 * Checks the entries of `stream` after `from` (pure, in sequence order): gapless sequences,
 * `prevEventHash` links, receipt shape, Ed25519 signatures by keys the stream itself introduced
 * (trust on first use: the first `key.generated` introduces the first key; later keys only through
 * a `key.rotated` signed by the key it replaces), and key custody. Entries at or before `from` are
 * skipped (a re-read). Never throws; returns the new position and the findings.
 */
export function verifyStreamReceipts(
  stream: string,
  from: StreamPosition,
  entries: readonly StreamEntry[],
  crypto: VerifierCrypto,
): { position: StreamPosition; findings: StreamFinding[] } {
  const keys = { ...from.keys };
  const chain = new ChainCursor(from);
  const findings: StreamFinding[] = [];
  for (const entry of entries) {
    if (entry.sequence <= chain.at.position) continue;
    const r = entry.data as Receipt;
    const shape = shapeProblem(stream, entry.sequence, r);
    if (shape) {
      findings.push(...chain.skip(entry.sequence, typeof r?.integrity?.receiptHash === 'string' ? r.integrity.receiptHash : null).map(streamFindingOf));
      findings.push({ sequence: entry.sequence, kind: 'malformed_receipt', detail: shape });
      continue;
    }
    findings.push(...chain.next({ sequence: entry.sequence, prevEventHash: r.integrity.prevEventHash, receiptHash: r.integrity.receiptHash }).map(streamFindingOf));
    findings.push(...checkSignature(r, keys, crypto));
  }
  return { position: { ...chain.at, keys }, findings };
}

function streamFindingOf(f: ChainFinding): StreamFinding {
  switch (f.kind) {
    case 'sequence_gap': {
      const missing = f.sequence === f.to ? `sequence ${f.sequence}` : `sequences ${f.sequence} to ${f.to}`;
      return { sequence: f.sequence, kind: 'sequence_gap', detail: `The stream skips ${missing}.` };
    }
    case 'chain_break':
      return { sequence: f.sequence, kind: 'chain_break', detail: `prevEventHash ${String(f.prevEventHash)} is not the hash of sequence ${f.sequence - 1} (${String(f.expected)}).` };
    case 'duplicate_sequence':
      // Unreachable: entries at or before the position are skipped as re-reads.
      return { sequence: f.sequence, kind: 'chain_break', detail: `Sequence ${f.sequence} appears twice.` };
    default:
      throw new Error(`Unexpected chain finding ${JSON.stringify(f satisfies never)}`);
  }
}

function checkSignature(r: Receipt, keys: Record<string, string>, crypto: VerifierCrypto): StreamFinding[] {
  const out: StreamFinding[] = [];
  const isKeyReceipt = r.type === 'key.generated' || r.type === 'key.rotated';
  const signer = r.integrity.signingKeyId;
  const custody = isKeyReceipt ? keyCustodyErrorOf(r) : null;
  if (custody) out.push({ sequence: r.sequence, kind: 'key_custody', detail: custody });
  const hasKeys = Object.keys(keys).length > 0;
  let pem: string | undefined = keys[signer];
  if (r.type === 'key.generated') {
    if (hasKeys) {
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
  if (isKeyReceipt && !custody && !(r.type === 'key.generated' && hasKeys)) {
    for (const k of embeddedKeysOf(r)) keys[k.keyId] = k.publicKeyPem;
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
