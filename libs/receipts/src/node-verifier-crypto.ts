import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { sha256Hex } from './hashing';
import { ed25519PublicKeyFromPem } from './verifier/pem';
import type { VerifierCrypto } from './verifier/verifier-crypto';

const MAX_CACHED_KEYS = 1024;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * {@link VerifierCrypto} over `node:crypto`: the same verdicts as the portable (tweetnacl) one, ~50x
 * faster Ed25519. For the server and the CLI replaying whole streams. Keys are parsed by the portable
 * PEM reader so both accept exactly the same keys (node alone would also take a private key PEM).
 */
export function createNodeVerifierCrypto(): VerifierCrypto {
  const keys = new Map<string, KeyObject | null>();
  const keyOf = (pem: string): KeyObject | null => {
    let key = keys.get(pem);
    if (key === undefined) {
      if (keys.size >= MAX_CACHED_KEYS) keys.clear();
      try {
        const der = Buffer.concat([SPKI_ED25519_PREFIX, ed25519PublicKeyFromPem(pem)]);
        key = createPublicKey({ key: der, format: 'der', type: 'spki' });
      } catch {
        key = null;
      }
      keys.set(pem, key);
    }
    return key;
  };
  return {
    sha256Hex,
    verifyEd25519(message, signature, publicKeyPem) {
      const key = keyOf(publicKeyPem);
      return key !== null && signature.length === 64 && verify(null, message, key, signature);
    },
  };
}

export const nodeVerifierCrypto: VerifierCrypto = createNodeVerifierCrypto();
