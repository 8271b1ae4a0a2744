import { createPublicKey, sign, verify } from 'node:crypto';
import { RFC8032_VECTORS } from '../test-support/rfc8032';
import { KeyDecryptionError, deriveKek, generateSigningKey, openPrivateKey, privateKeyFromSeed, publicKeyPemOf, sealPrivateKey } from './signing-keys';

describe('signing keys', () => {
  const kek = deriveKek('test key-encryption secret');

  it('generates an Ed25519 key with a key_ id, SPKI and PKCS#8 PEMs', () => {
    const key = generateSigningKey();
    expect(key.keyId).toMatch(/^key_[0-9a-f]{32}$/);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(publicKeyPemOf(key.privateKey)).toBe(key.publicKeyPem);
    const signature = sign(null, Buffer.from('m'), key.privateKey);
    expect(verify(null, Buffer.from('m'), createPublicKey(key.publicKeyPem), signature)).toBe(true);
    expect(generateSigningKey().keyId).not.toBe(key.keyId);
  });

  it.each(RFC8032_VECTORS)('derives the key from a seed: RFC 8032 §7.1 public key $publicKey', (vector) => {
    const key = privateKeyFromSeed(Buffer.from(vector.seed, 'hex'));
    const raw = createPublicKey(key).export({ type: 'spki', format: 'der' }).subarray(12);
    expect(raw.toString('hex')).toBe(vector.publicKey);
    expect(sign(null, Buffer.from(vector.message, 'hex'), key).toString('hex')).toBe(vector.signature);
    expect(() => privateKeyFromSeed(new Uint8Array(31))).toThrow(RangeError);
  });

  it('derives a stable 32-byte KEK from the secret', () => {
    expect(kek).toHaveLength(32);
    expect(deriveKek('test key-encryption secret').equals(kek)).toBe(true);
    expect(deriveKek('another secret').equals(kek)).toBe(false);
    expect(() => deriveKek('')).toThrow(RangeError);
  });

  it('seals and opens a private key for its key id', () => {
    const key = generateSigningKey();
    const sealed = sealPrivateKey(key.privateKeyPem, kek, key.keyId);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(sealPrivateKey(key.privateKeyPem, kek, key.keyId)).not.toBe(sealed);
    expect(openPrivateKey(sealed, kek, key.keyId)).toBe(key.privateKeyPem);
  });

  it('refuses a wrong KEK, another key id and any alteration with key_decryption_failed', () => {
    const key = generateSigningKey();
    const sealed = sealPrivateKey(key.privateKeyPem, kek, key.keyId);
    const [prefix, iv, tag, ciphertext] = sealed.split('.');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    const attempts: Array<[string, Buffer, string]> = [
      [sealed, deriveKek('wrong secret'), key.keyId],
      [sealed, kek, 'key_00000000000000000000000000000000'],
      [[prefix, flip(iv), tag, ciphertext].join('.'), kek, key.keyId],
      [[prefix, iv, flip(tag), ciphertext].join('.'), kek, key.keyId],
      [[prefix, iv, tag, flip(ciphertext)].join('.'), kek, key.keyId],
      [['v2', iv, tag, ciphertext].join('.'), kek, key.keyId],
      [[prefix, iv, tag].join('.'), kek, key.keyId],
    ];
    for (const [value, k, keyId] of attempts) {
      expect(() => openPrivateKey(value, k, keyId)).toThrow(KeyDecryptionError);
    }
    try {
      openPrivateKey(sealed, deriveKek('wrong secret'), key.keyId);
    } catch (error) {
      expect((error as KeyDecryptionError).code).toBe('key_decryption_failed');
    }
  });

  it('requires a 32-byte KEK', () => {
    expect(() => sealPrivateKey('pem', Buffer.alloc(16), 'key_x')).toThrow(RangeError);
  });
});
