import nacl from 'tweetnacl';
import vectorFile from '../test-vectors/receipt-vectors.json';
import { randomUnsignedReceipt } from '../test-support/random-receipt';
import { SeededRandom } from '../test-support/seeded-random';
import { canonicalize } from './canonical-json';
import { sha256Hex } from './hashing';
import { nodeVerifierCrypto } from './node-verifier-crypto';
import { receiptHashInput, signatureMessage } from './receipt-hash-input';
import { computeReceiptHash, signReceipt } from './receipt-signing';
import type { Receipt, UnsignedReceipt } from './receipt.types';
import { generateSigningKey, privateKeyFromSeed, publicKeyPemOf } from './signing-keys';
import { decodeBase64, encodeBase64, ed25519PublicKeyFromPem, portableVerifierCrypto, verifyReceiptBundle, verifyReceiptSignature } from './verifier';

interface Vector {
  name: string;
  keyId: string;
  privateKeySeedHex: string;
  publicKeyPem: string;
  unsignedReceipt: UnsignedReceipt;
  canonicalJson: string;
  receiptHash: string;
  signedMessage: string;
  signature: string;
  receipt: Receipt;
}

const vectors = vectorFile.vectors as unknown as Vector[];
const byName = (v: Vector) => [v.name, v] as const;

/** Every leaf path of a JSON value, e.g. ['integrity', 'signature'], ['actor', 'delegationChain', 1]. */
function leafPaths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([key, v]) => leafPaths(v, [...prefix, key]));
}

function flipped(receipt: Receipt, path: Array<string | number>): Receipt {
  const copy = structuredClone(receipt) as unknown as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const value = path.length === 0 ? undefined : parent[last];
  if (typeof value === 'string') parent[last] = value.length > 0 ? value.slice(0, -1) + (value.endsWith('0') ? '1' : '0') : 'x';
  else if (typeof value === 'number') parent[last] = value + 1;
  else if (typeof value === 'boolean') parent[last] = !value;
  else if (value === null) parent[last] = 'x';
  else parent[last] = { injected: true };
  return copy as unknown as Receipt;
}

describe('receipt known-answer vectors', () => {
  it('covers the receipt kinds the format defines', () => {
    expect(vectors.map((v) => v.receipt.type)).toEqual(
      expect.arrayContaining(['key.generated', 'action.requested', 'action.executed', 'key.rotated']),
    );
  });

  describe.each(vectors.map(byName))('%s', (_name, vector) => {
    const privateKey = privateKeyFromSeed(Buffer.from(vector.privateKeySeedHex, 'hex'));

    it('(a) node:crypto reproduces the canonical JSON, hash and signature byte for byte', () => {
      expect(publicKeyPemOf(privateKey)).toBe(vector.publicKeyPem);
      expect(canonicalize(receiptHashInput(vector.unsignedReceipt))).toBe(vector.canonicalJson);
      expect(sha256Hex(vector.canonicalJson)).toBe(vector.receiptHash);
      expect(computeReceiptHash(vector.unsignedReceipt)).toBe(vector.receiptHash);
      expect(computeReceiptHash(vector.receipt)).toBe(vector.receiptHash);
      expect(signatureMessage(vector.receiptHash)).toBe(vector.signedMessage);
      const signed = signReceipt(vector.unsignedReceipt, { keyId: vector.keyId, privateKey });
      expect(signed.integrity.signature).toBe(vector.signature);
      expect(signed).toEqual(vector.receipt);
    });

    it('(b) the portable verifier accepts it, and tweetnacl signs the same bytes', () => {
      expect(verifyReceiptSignature(vector.receipt, vector.publicKeyPem)).toEqual({ isSignatureValid: true, errors: [] });
      expect(verifyReceiptSignature(vector.receipt, vector.publicKeyPem, nodeVerifierCrypto).isSignatureValid).toBe(true);
      const pair = nacl.sign.keyPair.fromSeed(Buffer.from(vector.privateKeySeedHex, 'hex'));
      expect(ed25519PublicKeyFromPem(vector.publicKeyPem)).toEqual(pair.publicKey);
      const message = new TextEncoder().encode(vector.signedMessage);
      expect(encodeBase64(nacl.sign.detached(message, pair.secretKey))).toBe(vector.signature);
    });

    it('(c) changing any one field, the signature or the key makes verification fail', () => {
      for (const path of [...leafPaths(vector.receipt), ['extraField']]) {
        const result = verifyReceiptSignature(flipped(vector.receipt, path), vector.publicKeyPem);
        expect({ path, valid: result.isSignatureValid }).toEqual({ path, valid: false });
        expect(result.errors).toContain('Receipt signature verification failed.');
      }
      const signature = decodeBase64(vector.signature);
      for (const index of [0, 17, 31, 32, 50, 63]) {
        const bad = Uint8Array.from(signature);
        bad[index] ^= 0x01;
        const tampered = { ...vector.receipt, integrity: { ...vector.receipt.integrity, signature: encodeBase64(bad) } };
        expect(verifyReceiptSignature(tampered, vector.publicKeyPem).errors).toEqual(['Receipt signature verification failed.']);
      }
      const otherKey = vectorFile.keys.find((k) => k.publicKeyPem !== vector.publicKeyPem)!.publicKeyPem;
      expect(verifyReceiptSignature(vector.receipt, otherKey).isSignatureValid).toBe(false);
    });

    it('(c) a changed field is reported as a hash mismatch', () => {
      const tampered = { ...vector.receipt, timestamp: '2030-01-01T00:00:00.000Z' };
      expect(verifyReceiptSignature(tampered, vector.publicKeyPem).errors).toEqual([
        'Receipt hash mismatch.',
        'Receipt signature verification failed.',
      ]);
    });
  });

  it('the vectors form one valid tenant chain', () => {
    const result = verifyReceiptBundle(vectors.map((v) => v.receipt), vectorFile.keys, { expectFirstSequence: 1 });
    expect(result.verificationErrors).toEqual([]);
    expect(result).toMatchObject({ isSignatureValid: true, isChainValid: true, isSchemaValid: true, checked: vectors.length });
  });

  it('(d) node:crypto and tweetnacl agree on random receipts, valid and tampered', () => {
    const random = new SeededRandom(20260214);
    const keys = [generateSigningKey(), generateSigningKey()];
    for (let i = 0; i < 15; i++) {
      const key = random.pick(keys);
      const signed = signReceipt(randomUnsignedReceipt(random, key.keyId), key);
      const candidates: Array<[Receipt, string]> = [
        [signed, key.publicKeyPem],
        [signed, keys.find((k) => k !== key)!.publicKeyPem],
        [flipped(signed, random.pick(leafPaths(signed))), key.publicKeyPem],
        [rehashed({ ...signed, timestamp: new Date(0).toISOString() }), key.publicKeyPem],
        [{ ...signed, integrity: { ...signed.integrity, signature: malleated(signed.integrity.signature) } }, key.publicKeyPem],
      ];
      for (const [receipt, pem] of candidates) {
        const portable = verifyReceiptSignature(receipt, pem, portableVerifierCrypto);
        const node = verifyReceiptSignature(receipt, pem, nodeVerifierCrypto);
        expect(portable).toEqual(node);
      }
      expect(verifyReceiptSignature(signed, key.publicKeyPem).isSignatureValid).toBe(true);
    }
  });
});

/** A changed receipt whose receiptHash was recomputed: only the signature can catch it. */
function rehashed(receipt: Receipt): Receipt {
  return { ...receipt, integrity: { ...receipt.integrity, receiptHash: computeReceiptHash(receipt) } };
}

/** The signature with L added to S: still a solution of the verification equation, but not canonical (RFC 8032 §5.1.7). */
function malleated(signature: string): string {
  const L = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, ...new Array(15).fill(0), 0x10];
  const bytes = decodeBase64(signature);
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = bytes[32 + i] + L[i] + carry;
    bytes[32 + i] = sum & 0xff;
    carry = sum >> 8;
  }
  return encodeBase64(bytes);
}
