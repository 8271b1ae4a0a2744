import { RECEIPT_SIGNATURE_DOMAIN, type Receipt, type UnsignedReceipt } from './receipt.types';

/**
 * The object whose canonical JSON is hashed: the receipt with `integrity.receiptHash` and
 * `integrity.signature` removed. Every other field, including the rest of `integrity`
 * (prevEventHash, prevReceiptHash, signingKeyId, signatureAlg), is covered.
 * Shared by the server signer and the portable verifier: no imports beyond types.
 */
export function receiptHashInput(receipt: UnsignedReceipt | Receipt): object {
  // `undefined` members are omitted by canonicalize(): cheaper than copying and deleting.
  return { ...receipt, integrity: { ...receipt.integrity, receiptHash: undefined, signature: undefined } };
}

/** The exact text Ed25519 signs: the domain tag followed by the 64 hex characters (ASCII). */
export function signatureMessage(receiptHash: string): string {
  return RECEIPT_SIGNATURE_DOMAIN + receiptHash;
}
