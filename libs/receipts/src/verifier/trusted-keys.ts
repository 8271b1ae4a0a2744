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
 * The public key a `key.generated` or `key.rotated` receipt announces (`data.keyId`, `data.publicKeyPem`),
 * or null for any other receipt. Trusting these is trust on first use: it proves the stream is
 * consistent with itself, not that it comes from the tenant.
 */
export function embeddedKeyOf(receipt: unknown): TrustedKey | null {
  if (!isRecord(receipt) || (receipt.type !== 'key.generated' && receipt.type !== 'key.rotated')) return null;
  const data = receipt.data;
  if (!isRecord(data) || typeof data.keyId !== 'string' || typeof data.publicKeyPem !== 'string') return null;
  return { keyId: data.keyId, publicKeyPem: data.publicKeyPem };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
