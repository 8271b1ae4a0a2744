import type { Receipt } from '@oars/receipts';

export type KeyStatus = 'active' | 'retired';

export interface PublicKeyRecord {
  keyId: string;
  tenantId: string;
  status: KeyStatus;
  createdAt: string;
  rotatedAt: string | null;
  publicKeyPem: string;
}

/** The tenant's key ring as carried in every key receipt's `data.keyring` (newest key first). */
export interface Keyring {
  activeKeyId: string;
  keys: PublicKeyRecord[];
}

/** All key receipts of a tenant share this aggregate subject, so the latest one is one lookup away. */
export const KEYRING_SUBJECT = 'keyring.signing';
export const KEY_GENERATED = 'key.generated';
export const KEY_ROTATED = 'key.rotated';

export function keyringFromReceipt(receipt: Receipt | null): Keyring | null {
  const ring = receipt?.data?.keyring as Keyring | undefined;
  return ring && typeof ring.activeKeyId === 'string' && Array.isArray(ring.keys) ? ring : null;
}

export function firstKeyring(tenantId: string, keyId: string, publicKeyPem: string, now: string): Keyring {
  return { activeKeyId: keyId, keys: [{ keyId, tenantId, status: 'active', createdAt: now, rotatedAt: null, publicKeyPem }] };
}

/** The ring after rotation: the new key active, every earlier key retired (still valid for verification). */
export function rotatedKeyring(ring: Keyring, tenantId: string, keyId: string, publicKeyPem: string, now: string): Keyring {
  const retired = ring.keys.map((k) => (k.status === 'active' ? { ...k, status: 'retired' as const, rotatedAt: now } : k));
  return { activeKeyId: keyId, keys: [{ keyId, tenantId, status: 'active', createdAt: now, rotatedAt: null, publicKeyPem }, ...retired] };
}
