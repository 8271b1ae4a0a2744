import { createPrivateKey } from 'node:crypto';
import { generateSigningKey, openPrivateKey, sealPrivateKey } from '@oars/receipts';
import type { KeyVault } from '../key-vault.port';
import { KEY_GENERATED, KEY_ROTATED, KEYRING_SUBJECT, type Keyring, firstKeyring, rotatedKeyring } from '../keyring';
import { type ReceiptDraft, aggregateDraft, derivedId } from '../receipt-draft';
import type { KeyDraft, Signer } from './chain-writer.types';

export class SigningKeyUnavailableError extends Error {
  readonly code = 'signing_key_unavailable';
  constructor(tenantId: string, keyId: string) {
    super(`The private signing key ${keyId} of tenant ${tenantId} is not in the key vault.`);
  }
}

/**
 * Key custody for the chain writer: a new private key is sealed into the vault before any receipt
 * names it, and the signer is opened from the vault, never kept elsewhere.
 */
export class KeyCustody {
  constructor(private readonly vault: KeyVault, private readonly kek: Buffer) {}

  /** The private key `keyId` of the tenant, unsealed from the vault. */
  async openSigner(tenantId: string, keyId: string): Promise<Signer> {
    const sealed = await this.vault.get(tenantId, keyId);
    if (!sealed) throw new SigningKeyUnavailableError(tenantId, keyId);
    return { keyId, privateKey: createPrivateKey(openPrivateKey(sealed, this.kek, keyId)) };
  }

  /**
   * A new key, sealed in the vault, and the key receipt that introduces it: `key.generated` (signed
   * by the key it introduces) for a tenant without a ring, else `key.rotated` (signed by the key it
   * replaces). `signerAfter` is the new key.
   */
  async newKey(tenantId: string, current: Keyring | null, now: string): Promise<{ draft: KeyDraft; ring: Keyring; signer: Signer }> {
    const key = generateSigningKey();
    await this.vault.put(tenantId, key.keyId, sealPrivateKey(key.privateKeyPem, this.kek, key.keyId));
    const ring = current ? rotatedKeyring(current, tenantId, key.keyId, key.publicKeyPem, now) : firstKeyring(tenantId, key.keyId, key.publicKeyPem, now);
    const signer = { keyId: key.keyId, privateKey: key.privateKey };
    const draft: KeyDraft = keyDraft(current ? KEY_ROTATED : KEY_GENERATED, tenantId, ring, { newKeyId: key.keyId, previousKeyId: current?.activeKeyId ?? null });
    draft.signerAfter = signer;
    return { draft, ring, signer };
  }
}

export function isKeyReceipt(type: string): boolean {
  return type === KEY_GENERATED || type === KEY_ROTATED;
}

function keyDraft(type: string, tenantId: string, ring: Keyring, facts: { newKeyId: string; previousKeyId: string | null }): ReceiptDraft {
  return aggregateDraft(derivedId('rcpt', tenantId, type, facts.newKeyId), type, KEYRING_SUBJECT, { keyring: ring, ...facts });
}
