import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { type Receipt, type UnsignedReceipt, signReceipt } from '@oars/receipts';

/** A test signing key (Ed25519) and its public key, as the trust endpoint publishes it. */
export function testSigningKey(keyId = 'key_test') {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * The receipts of one stream (in order, from the builders) really signed with `key`: each one's
 * `prevEventHash` names the signed hash of the one before (`prevEventHash` of the first is kept), and
 * `prevReceiptHash` the signed hash of the previous receipt of its action.
 */
export function signChain(receipts: readonly Receipt[], key: { keyId: string; privateKey: KeyObject }): Receipt[] {
  const signed: Receipt[] = [];
  const lastOfAction = new Map<string, string>();
  let prev = receipts[0]?.integrity.prevEventHash ?? null;
  for (const r of receipts) {
    const prevReceiptHash = r.actionId && r.integrity.prevReceiptHash !== null ? (lastOfAction.get(r.actionId) ?? null) : null;
    const unsigned: UnsignedReceipt = { ...r, integrity: { prevEventHash: prev, prevReceiptHash, signingKeyId: key.keyId, signatureAlg: 'Ed25519' } };
    const receipt = signReceipt(unsigned, key);
    prev = receipt.integrity.receiptHash;
    if (r.actionId) lastOfAction.set(r.actionId, prev);
    signed.push(receipt);
  }
  return signed;
}
