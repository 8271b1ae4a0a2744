import { isRecord } from './json-shape';

/** A public key a verifier trusts for one key id. */
export interface TrustedKey {
  keyId: string;
  publicKeyPem: string;
}

/** The keys file is neither a trust endpoint response nor an array of `{keyId, publicKeyPem}`. */
export class TrustedKeysFormatError extends Error {
  readonly code = 'invalid_trusted_keys';
  constructor(message: string) {
    super(message);
    this.name = 'TrustedKeysFormatError';
  }
}

/**
 * Reads trusted keys from the trust endpoint's response (`{tenantId, items: [{keyId, publicKeyPem, status, …}]}`)
 * or a plain array of `{keyId, publicKeyPem}`. Every key status (active, retiring, retired) is accepted:
 * receipts signed before a rotation keep verifying.
 */
export function parseTrustedKeys(json: unknown): TrustedKey[] {
  const items = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json.items) ? json.items : null;
  if (!items) throw new TrustedKeysFormatError('Expected {tenantId, items: [...]} or an array of {keyId, publicKeyPem}.');
  return items.map((item, index) => {
    if (!isRecord(item) || typeof item.keyId !== 'string' || typeof item.publicKeyPem !== 'string') {
      throw new TrustedKeysFormatError(`Key entry ${index} lacks a string keyId and publicKeyPem.`);
    }
    return { keyId: item.keyId, publicKeyPem: item.publicKeyPem };
  });
}

/**
 * The public keys a `key.generated` or `key.rotated` receipt carries (`data.keyring.keys`, see
 * `KeyReceiptData`), or none for any other receipt. Trusting these is trust on first use: it proves
 * the stream is consistent with itself, not that it comes from the tenant.
 */
export function embeddedKeysOf(receipt: unknown): TrustedKey[] {
  if (!isRecord(receipt) || (receipt.type !== 'key.generated' && receipt.type !== 'key.rotated')) return [];
  const ring = isRecord(receipt.data) && isRecord(receipt.data.keyring) ? receipt.data.keyring.keys : undefined;
  if (!Array.isArray(ring)) return [];
  return ring
    .filter((k): k is TrustedKey => isRecord(k) && typeof k.keyId === 'string' && typeof k.publicKeyPem === 'string')
    .map(({ keyId, publicKeyPem }) => ({ keyId, publicKeyPem }));
}

/**
 * Chain-of-custody rule for key receipts: `key.generated` MUST be signed by the key it introduces
 * (`data.newKeyId`) and `key.rotated` by the key it replaces (`data.previousKeyId`). Returns the violation, or null.
 */
export function keyCustodyErrorOf(receipt: { type: string; sequence: number; data: Record<string, unknown>; integrity: { signingKeyId: string } }): string | null {
  const signer = receipt.integrity.signingKeyId;
  if (receipt.type === 'key.generated' && receipt.data.newKeyId !== signer) {
    return `Sequence ${receipt.sequence}: key.generated is signed by ${signer}, not by the key it introduces.`;
  }
  if (receipt.type === 'key.rotated' && receipt.data.previousKeyId !== signer) {
    return `Sequence ${receipt.sequence}: key.rotated is signed by ${signer}, not by the key it replaces.`;
  }
  return null;
}

