/**
 * Where sealed (AES-256-GCM, under the key-encryption key) private signing keys live.
 * Public keys and key status live in the tenant stream (`key.generated` / `key.rotated` receipts).
 */
export interface KeyVault {
  /** Stores a sealed private key. MUST NOT overwrite an existing (tenant, keyId) entry. */
  put(tenantId: string, keyId: string, sealedPrivateKey: string): Promise<void>;
  /** Returns the sealed private key, or null when unknown. */
  get(tenantId: string, keyId: string): Promise<string | null>;
}
