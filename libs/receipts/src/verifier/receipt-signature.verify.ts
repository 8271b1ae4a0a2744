import { canonicalize } from '../canonical-json';
import { receiptHashInput, signatureMessage } from '../receipt-hash-input';
import type { Receipt } from '../receipt.types';
import { decodeBase64 } from './base64';
import { portableVerifierCrypto, type VerifierCrypto } from './verifier-crypto';

export interface SignatureVerification {
  isSignatureValid: boolean;
  errors: string[];
}

export const HASH_MISMATCH = 'Receipt hash mismatch.';
export const SIGNATURE_FAILED = 'Receipt signature verification failed.';

const encoder = new TextEncoder();

/**
 * Recomputes the receipt hash (RFC 8785 + SHA-256 over the receipt without receiptHash and signature)
 * and checks the Ed25519 signature over `RECEIPT_SIGNATURE_DOMAIN + receiptHash` with `publicKeyPem`.
 * Never throws on malformed input: a receipt that cannot be checked is reported invalid.
 */
export function verifyReceiptSignature(
  receipt: Receipt,
  publicKeyPem: string,
  crypto: VerifierCrypto = portableVerifierCrypto,
): SignatureVerification {
  const integrity = isRecord(receipt) && isRecord(receipt.integrity) ? receipt.integrity : null;
  if (!integrity) return invalid('Receipt integrity block missing.', SIGNATURE_FAILED);
  if (integrity.signatureAlg !== 'Ed25519') {
    return invalid(`Unsupported signature algorithm: ${String(integrity.signatureAlg)}.`, SIGNATURE_FAILED);
  }
  let receiptHash: string;
  try {
    receiptHash = crypto.sha256Hex(canonicalize(receiptHashInput(receipt)));
  } catch {
    return invalid('Receipt cannot be canonicalised.', SIGNATURE_FAILED);
  }
  if (receiptHash !== integrity.receiptHash) return invalid(HASH_MISMATCH, SIGNATURE_FAILED);
  let signature: Uint8Array;
  try {
    signature = decodeBase64(typeof integrity.signature === 'string' ? integrity.signature : '');
  } catch {
    return invalid(SIGNATURE_FAILED);
  }
  const message = encoder.encode(signatureMessage(receiptHash));
  if (!crypto.verifyEd25519(message, signature, publicKeyPem)) return invalid(SIGNATURE_FAILED);
  return { isSignatureValid: true, errors: [] };
}

function invalid(...errors: string[]): SignatureVerification {
  return { isSignatureValid: false, errors };
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
