import { keyGeneratedData, signedStream } from '../../test-support/signed-stream';
import { nodeVerifierCrypto } from '../node-verifier-crypto';
import { signReceipt } from '../receipt-signing';
import { generateSigningKey } from '../signing-keys';
import { verifyReceiptBundle } from './receipt-bundle.verify';
import { embeddedKeysOf, parseTrustedKeys, TrustedKeysFormatError } from './trusted-keys';

const key = generateSigningKey();
const other = generateSigningKey();
const stream = signedStream(key, ['act_1', null, 'act_1', 'act_2', 'act_2']);
const trusted = [{ keyId: key.keyId, publicKeyPem: key.publicKeyPem }];
const options = { crypto: nodeVerifierCrypto };

describe('verifyReceiptBundle', () => {
  it('accepts a valid stream', () => {
    expect(verifyReceiptBundle(stream, trusted, { ...options, expectFirstSequence: 1 })).toEqual({
      isSignatureValid: true,
      isChainValid: true,
      isSchemaValid: true,
      verificationErrors: [],
      checked: 6,
      signatureFailures: 0,
      schemaFailures: 0,
      chainErrors: [],
    });
  });

  it('reports a tampered receipt by sequence and id', () => {
    const tampered = stream.map((r) => (r.sequence === 3 ? { ...r, data: { injected: true } } : r));
    const result = verifyReceiptBundle(tampered, trusted, options);
    expect(result).toMatchObject({ isSignatureValid: false, isChainValid: true, signatureFailures: 1 });
    expect(result.verificationErrors).toEqual([
      `Sequence 3 (${stream[2].receiptId}): Receipt hash mismatch.`,
      `Sequence 3 (${stream[2].receiptId}): Receipt signature verification failed.`,
    ]);
  });

  it('reports unknown signing keys once per key', () => {
    const result = verifyReceiptBundle(stream, [{ keyId: other.keyId, publicKeyPem: other.publicKeyPem }], options);
    expect(result.signatureFailures).toBe(6);
    expect(result.verificationErrors).toEqual([`Unknown signing key: ${key.keyId} (6 receipts).`]);
  });

  it('reports a conflicting key and a key that does not match', () => {
    const result = verifyReceiptBundle(stream, [...trusted, { keyId: key.keyId, publicKeyPem: other.publicKeyPem }], options);
    expect(result.isSignatureValid).toBe(false);
    expect(result.verificationErrors).toEqual([`Conflicting public keys for ${key.keyId}.`]);
    const wrong = verifyReceiptBundle(stream.slice(0, 1), [{ keyId: key.keyId, publicKeyPem: other.publicKeyPem }], options);
    expect(wrong.verificationErrors).toEqual([`Sequence 1 (${stream[0].receiptId}): Receipt signature verification failed.`]);
  });

  it('reports gaps and schema failures, keeping schema-invalid receipts out of the chain', () => {
    const broken: unknown[] = stream.filter((r) => r.sequence !== 4);
    broken.push({ receiptId: 'rcpt_x' }, 'garbage');
    const result = verifyReceiptBundle(broken, trusted, options);
    expect(result).toMatchObject({ isSchemaValid: false, isChainValid: false, schemaFailures: 2, checked: 7, signatureFailures: 2 });
    expect(result.chainErrors).toEqual([
      'Receipt #6 (rcpt_x): not placed in the chain (schema invalid).',
      'Receipt #7: not placed in the chain (schema invalid).',
      'Chain gap: sequence 4 missing.',
    ]);
    expect(result.verificationErrors).toContain('Receipt #7: Receipt is not a JSON object.');
  });

  it('verifies with the portable engine by default', () => {
    expect(verifyReceiptBundle(stream.slice(0, 2), trusted).isSignatureValid).toBe(true);
  });
});

describe('trusted keys', () => {
  it('reads the trust endpoint response and plain arrays', () => {
    const endpoint = { tenantId: 't', items: [{ keyId: key.keyId, tenantId: 't', status: 'retired', createdAt: 'x', rotatedAt: null, publicKeyPem: key.publicKeyPem }] };
    expect(parseTrustedKeys(endpoint)).toEqual(trusted);
    expect(parseTrustedKeys(trusted)).toEqual(trusted);
    expect(() => parseTrustedKeys({ keys: [] })).toThrow(TrustedKeysFormatError);
    expect(() => parseTrustedKeys([{ keyId: 1 }])).toThrow('Key entry 0 lacks a string keyId and publicKeyPem.');
  });

  it('takes embedded keys only from the key ring of key.generated and key.rotated receipts', () => {
    expect(embeddedKeysOf(stream[0])).toEqual(trusted);
    expect(embeddedKeysOf(stream[1])).toEqual([]);
    expect(embeddedKeysOf({ type: 'policy.published', data: stream[0].data })).toEqual([]);
    expect(embeddedKeysOf({ type: 'key.rotated', data: { keyring: { keys: [{ keyId: 'k' }] } } })).toEqual([]);
  });
});

describe('key custody', () => {
  it('reports a key.rotated not signed by the previous key', () => {
    const next = generateSigningKey();
    const rotation = signReceipt(
      {
        ...stream[1],
        sequence: 7,
        type: 'key.rotated',
        actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null,
        data: { ...keyGeneratedData(next, 'tenant_test'), previousKeyId: key.keyId },
        integrity: { prevEventHash: stream[5].integrity.receiptHash, prevReceiptHash: null, signingKeyId: next.keyId, signatureAlg: 'Ed25519' },
      },
      next,
    );
    const result = verifyReceiptBundle([...stream, rotation], [...trusted, { keyId: next.keyId, publicKeyPem: next.publicKeyPem }], options);
    expect(result.isSignatureValid).toBe(true);
    expect(result.chainErrors).toEqual([`Sequence 7: key.rotated is signed by ${next.keyId}, not by the key it replaces.`]);
  });
});
