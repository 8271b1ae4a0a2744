import nacl from 'tweetnacl';
import { ed25519PublicKeyFromPem } from './pem';
import { sha256HexPortable } from './sha256';

/**
 * The two primitives receipt verification needs. The portable implementation (pure JS + tweetnacl)
 * runs anywhere; Node callers that verify many receipts may pass a `node:crypto` one (same results,
 * ~50x faster Ed25519; see `nodeVerifierCrypto`). Implementations MUST agree byte for byte.
 */
export interface VerifierCrypto {
  /** SHA-256 of the UTF-8 string, lowercase hex. */
  sha256Hex(text: string): string;
  /** Ed25519 verification of `signature` over `message` with the SPKI PEM public key; false (never throws) for a bad key. */
  verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKeyPem: string): boolean;
}

const MAX_CACHED_KEYS = 1024;
/** The Ed25519 group order L, little-endian (RFC 8032 §5.1). */
const L = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/** Pure JavaScript SHA-256 and tweetnacl Ed25519: no Node built-ins, runs in a browser. */
export function createPortableVerifierCrypto(): VerifierCrypto {
  const rawKeys = new Map<string, Uint8Array | null>();
  const rawKey = (pem: string): Uint8Array | null => {
    let raw = rawKeys.get(pem);
    if (raw === undefined) {
      if (rawKeys.size >= MAX_CACHED_KEYS) rawKeys.clear();
      try {
        raw = ed25519PublicKeyFromPem(pem);
      } catch {
        raw = null;
      }
      rawKeys.set(pem, raw);
    }
    return raw;
  };
  return {
    sha256Hex: sha256HexPortable,
    verifyEd25519(message, signature, publicKeyPem) {
      const key = rawKey(publicKeyPem);
      return key !== null && signature.length === 64 && isCanonicalScalar(signature) && nacl.sign.detached.verify(message, signature, key);
    },
  };
}

export const portableVerifierCrypto: VerifierCrypto = createPortableVerifierCrypto();

/**
 * RFC 8032 §5.1.7 requires S < L. tweetnacl does not check it (it accepts S + L, a malleated copy of a
 * valid signature) while OpenSSL does; checking here keeps both implementations' verdicts identical.
 */
function isCanonicalScalar(signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const byte = signature[32 + i];
    if (byte !== L[i]) return byte < L[i];
  }
  return false;
}
