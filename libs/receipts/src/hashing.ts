import { createHash } from 'node:crypto';
import { canonicalize } from './canonical-json';

/** SHA-256 of `data` (a string is hashed as UTF-8), lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 hex of the RFC 8785 canonical JSON of `value` (policy hashes, input hashes, idempotency hashes). */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalize(value));
}
