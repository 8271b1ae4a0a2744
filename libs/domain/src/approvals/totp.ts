import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 6238 parameters OARS uses: SHA-1, 6 digits, 30-second steps, one step of clock drift either way. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_DRIFT_STEPS = 1;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (what authenticator apps expect in `otpauth://` URIs). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored); throws on other characters. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new RangeError(`Invalid base32 character: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP with HMAC-SHA-1 and dynamic truncation. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step (T) of a Unix time in milliseconds. */
export function totpTimeStep(nowMs: number, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / 1000 / periodSeconds);
}

/** The TOTP code at `nowMs` (RFC 6238 with SHA-1). */
export function totpCode(secret: Uint8Array, nowMs: number, digits = TOTP_DIGITS): string {
  return hotp(secret, totpTimeStep(nowMs), digits);
}

export type TotpVerification = { ok: true; timeStep: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * Checks a code against the steps T-1, T and T+1. A code whose step is at or before
 * `lastTimeStep` (the last step this factor was used at) is `replayed`: every code works once.
 * Comparisons are constant-time.
 */
export function verifyTotp(secret: Uint8Array, code: string, nowMs: number, lastTimeStep: number | null): TotpVerification {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'invalid' };
  const presented = Buffer.from(code);
  const now = totpTimeStep(nowMs);
  let replayed = false;
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    if (!timingSafeEqual(Buffer.from(hotp(secret, step)), presented)) continue;
    if (lastTimeStep !== null && step <= lastTimeStep) replayed = true;
    else return { ok: true, timeStep: step };
  }
  return { ok: false, reason: replayed ? 'replayed' : 'invalid' };
}

/** Lone surrogates replaced by U+FFFD (String.prototype.toWellFormed, Node 20). */
function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

/**
 * The `otpauth://` URI authenticator apps import (Key Uri Format). A lone surrogate (which
 * `encodeURIComponent` refuses with a URIError) becomes U+FFFD: the URI is always built.
 */
export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = `${encodeURIComponent(wellFormed(issuer))}:${encodeURIComponent(wellFormed(account))}`;
  const params = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_PERIOD_SECONDS) });
  return `otpauth://totp/${label}?${params.toString()}`;
}
