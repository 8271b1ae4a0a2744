import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/** A sealed private key could not be opened: wrong KEK, another key id, or the value was altered. */
export class KeyDecryptionError extends Error {
  readonly code = 'key_decryption_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyDecryptionError';
  }
}

/** A new Ed25519 signing key. `privateKeyPem` MUST never be stored unsealed (see {@link sealPrivateKey}). */
export interface GeneratedSigningKey {
  /** `key_` + 32 lowercase hex characters. */
  keyId: string;
  /** SPKI PEM, as published by the trust endpoint. */
  publicKeyPem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  privateKey: KeyObject;
}

const SEALED_PREFIX = 'v1';
const KEK_LABEL = 'oars.kek.v1';
/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function generateSigningKey(): GeneratedSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId: `key_${randomBytes(16).toString('hex')}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey,
  };
}

/** The Ed25519 private key for a 32-byte seed (RFC 8032). For known-answer vectors and tests. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('An Ed25519 seed is 32 bytes.');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** SPKI PEM of the public half of `privateKey`. */
export function publicKeyPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/** The key-encryption key: HKDF-SHA256 over the configured secret, fixed salt and info `oars.kek.v1`, 32 bytes. */
export function deriveKek(secret: string): Buffer {
  if (secret.length === 0) throw new RangeError('The key-encryption secret is empty.');
  return Buffer.from(hkdfSync('sha256', secret, KEK_LABEL, KEK_LABEL, 32));
}

/**
 * Encrypts a private key PEM with AES-256-GCM under `kek`: `v1.<iv b64>.<tag b64>.<ciphertext b64>`,
 * a random 12-byte IV, and `keyId` as additional authenticated data, so the sealed value MUST only
 * open for the key id it was sealed for.
 */
export function sealPrivateKey(privateKeyPem: string, kek: Buffer, keyId: string): string {
  assertKek(kek);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
  return [SEALED_PREFIX, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64'))).join('.');
}

/** Opens a value from {@link sealPrivateKey}. MUST throw {@link KeyDecryptionError} on a wrong KEK, key id or any alteration. */
export function openPrivateKey(sealed: string, kek: Buffer, keyId: string): string {
  assertKek(kek);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== SEALED_PREFIX) throw new KeyDecryptionError(`Sealed key ${keyId} is not in v1 format.`);
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64'));
  if (iv.length !== 12 || tag.length !== 16) throw new KeyDecryptionError(`Sealed key ${keyId} is malformed.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, iv);
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new KeyDecryptionError(`Sealed key ${keyId} could not be opened (wrong key-encryption key or altered value).`, { cause });
  }
}

function assertKek(kek: Buffer): void {
  if (kek.length !== 32) throw new RangeError('The key-encryption key MUST be 32 bytes.');
}
