import { sign, type KeyObject } from 'node:crypto';
import { canonicalize } from './canonical-json';
import { sha256Hex } from './hashing';
import { receiptHashInput, signatureMessage } from './receipt-hash-input';
import type { Receipt, UnsignedReceipt } from './receipt.types';

/** The receipt names one signing key and was handed another, or the key is not an Ed25519 private key. */
export class SigningKeyMismatchError extends Error {
  readonly code = 'signing_key_mismatch';
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyMismatchError';
  }
}

/** The key a signer holds: its id (as published by the trust endpoint) and the Ed25519 private key. */
export interface ReceiptSigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/** SHA-256 hex of the RFC 8785 canonical receipt without `integrity.receiptHash` and `integrity.signature`. */
export function computeReceiptHash(receipt: UnsignedReceipt | Receipt): string {
  return sha256Hex(canonicalize(receiptHashInput(receipt)));
}

/**
 * Hashes and signs a receipt (Ed25519 over `RECEIPT_SIGNATURE_DOMAIN + receiptHash`, standard base64).
 * MUST be given the key named by `unsigned.integrity.signingKeyId`; throws {@link SigningKeyMismatchError} otherwise.
 * Hot path: one canonicalisation, one hash, one signature, two shallow copies.
 */
export function signReceipt(unsigned: UnsignedReceipt, key: ReceiptSigningKey): Receipt {
  if (unsigned.integrity.signingKeyId !== key.keyId) {
    throw new SigningKeyMismatchError(`Receipt names signing key ${unsigned.integrity.signingKeyId} but was signed with ${key.keyId}.`);
  }
  if (key.privateKey.asymmetricKeyType !== 'ed25519' || key.privateKey.type !== 'private') {
    throw new SigningKeyMismatchError(`Signing key ${key.keyId} is not an Ed25519 private key.`);
  }
  const receiptHash = computeReceiptHash(unsigned);
  const signature = sign(null, Buffer.from(signatureMessage(receiptHash), 'latin1'), key.privateKey).toString('base64');
  return { ...unsigned, integrity: { ...unsigned.integrity, receiptHash, signature } };
}
