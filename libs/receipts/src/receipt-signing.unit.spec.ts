import { verify, createPublicKey } from 'node:crypto';
import { randomUnsignedReceipt } from '../test-support/random-receipt';
import { SeededRandom } from '../test-support/seeded-random';
import { canonicalize } from './canonical-json';
import { sha256Hex } from './hashing';
import { computeReceiptHash, signReceipt, SigningKeyMismatchError } from './receipt-signing';
import { RECEIPT_SIGNATURE_DOMAIN } from './receipt.types';
import { generateSigningKey } from './signing-keys';

describe('receipt signing', () => {
  const key = generateSigningKey();
  const unsigned = randomUnsignedReceipt(new SeededRandom(3), key.keyId);

  it('hashes the receipt without receiptHash and signature, integrity chain fields included', () => {
    const signed = signReceipt(unsigned, key);
    const { receiptHash: _h, signature: _s, ...integrity } = signed.integrity;
    expect(signed.integrity.receiptHash).toBe(sha256Hex(canonicalize({ ...signed, integrity })));
    expect(computeReceiptHash(signed)).toBe(signed.integrity.receiptHash);
    expect(computeReceiptHash({ ...unsigned, integrity: { ...unsigned.integrity, prevEventHash: 'c'.repeat(64) } })).not.toBe(signed.integrity.receiptHash);
    expect(computeReceiptHash({ ...unsigned, integrity: { ...unsigned.integrity, signingKeyId: 'key_other' } })).not.toBe(signed.integrity.receiptHash);
  });

  it('signs the domain-separated hash with Ed25519, standard base64, leaving the input untouched', () => {
    const before = structuredClone(unsigned);
    const signed = signReceipt(unsigned, key);
    expect(unsigned).toEqual(before);
    const message = Buffer.from(RECEIPT_SIGNATURE_DOMAIN + signed.integrity.receiptHash, 'ascii');
    expect(verify(null, message, createPublicKey(key.publicKeyPem), Buffer.from(signed.integrity.signature, 'base64'))).toBe(true);
    expect(signed.integrity.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(signReceipt(unsigned, key)).toEqual(signed);
  });

  it('refuses a key other than the one the receipt names', () => {
    const other = generateSigningKey();
    expect(() => signReceipt(unsigned, other)).toThrow(SigningKeyMismatchError);
    expect(() => signReceipt(unsigned, { keyId: key.keyId, privateKey: createPublicKey(key.publicKeyPem) })).toThrow('is not an Ed25519 private key');
  });
});
