import { decodeBase64 } from './base64';

/** DER prefix of an SPKI Ed25519 public key (RFC 8410): SEQUENCE { AlgorithmIdentifier 1.3.101.112, BIT STRING (32 bytes) }. */
const SPKI_ED25519_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** The PEM is not an SPKI Ed25519 public key. */
export class PublicKeyFormatError extends Error {
  readonly code = 'invalid_public_key';
  constructor(message: string) {
    super(message);
    this.name = 'PublicKeyFormatError';
  }
}

/** The 32-byte raw Ed25519 public key inside an SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
export function ed25519PublicKeyFromPem(pem: string): Uint8Array {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  if (!match) throw new PublicKeyFormatError('Not a PEM public key (BEGIN PUBLIC KEY).');
  let der: Uint8Array;
  try {
    der = decodeBase64(match[1].replace(/\s+/g, ''));
  } catch {
    throw new PublicKeyFormatError('The PEM body is not valid base64.');
  }
  const isEd25519 = der.length === 44 && SPKI_ED25519_PREFIX.every((byte, i) => der[i] === byte);
  if (!isEd25519) throw new PublicKeyFormatError('The public key is not an Ed25519 SPKI key.');
  return der.slice(SPKI_ED25519_PREFIX.length);
}
