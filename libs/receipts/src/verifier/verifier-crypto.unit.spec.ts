import { generateKeyPairSync } from 'node:crypto';
import { RFC8032_VECTORS, spkiPemOfRawHex } from '../../test-support/rfc8032';
import { nodeVerifierCrypto } from '../node-verifier-crypto';
import { PublicKeyFormatError, ed25519PublicKeyFromPem } from './pem';
import { portableVerifierCrypto } from './verifier-crypto';

const engines = [
  ['portable (tweetnacl)', portableVerifierCrypto],
  ['node:crypto', nodeVerifierCrypto],
] as const;

describe('Ed25519 verification engines', () => {
  describe.each(engines)('%s', (_name, crypto) => {
    it.each(RFC8032_VECTORS)('accepts RFC 8032 §7.1 signature by $publicKey and rejects a flipped bit', (vector) => {
      const pem = spkiPemOfRawHex(vector.publicKey);
      const message = Buffer.from(vector.message, 'hex');
      const signature = Buffer.from(vector.signature, 'hex');
      expect(crypto.verifyEd25519(message, signature, pem)).toBe(true);
      const bad = Buffer.from(signature);
      bad[10] ^= 0x80;
      expect(crypto.verifyEd25519(message, bad, pem)).toBe(false);
      expect(crypto.verifyEd25519(message, signature.subarray(0, 63), pem)).toBe(false);
    });

    it('rejects keys that are not SPKI Ed25519 instead of throwing', () => {
      const vector = RFC8032_VECTORS[0];
      const message = Buffer.from(vector.message, 'hex');
      const signature = Buffer.from(vector.signature, 'hex');
      const ed25519 = generateKeyPairSync('ed25519');
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const notKeys = [
        'not a pem',
        ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ];
      for (const pem of notKeys) expect(crypto.verifyEd25519(message, signature, pem)).toBe(false);
    });

    it('hashes like SHA-256', () => {
      expect(crypto.sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });
  });

  it('reads the raw key from an SPKI PEM and names a wrong format', () => {
    const vector = RFC8032_VECTORS[1];
    expect(Buffer.from(ed25519PublicKeyFromPem(spkiPemOfRawHex(vector.publicKey))).toString('hex')).toBe(vector.publicKey);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => ed25519PublicKeyFromPem(rsa)).toThrow(PublicKeyFormatError);
    expect(() => ed25519PublicKeyFromPem('-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----')).toThrow(PublicKeyFormatError);
  });
});
