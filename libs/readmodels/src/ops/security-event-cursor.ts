import { InvalidCursorError } from '../errors';

/** Position of a security event in the newest-first order: its time, then its id. */
export interface SecurityEventPosition {
  occurredAtMs: number;
  eventId: string;
}

/** The opaque `GET /v1/security-events` cursor: base64url of `<epoch ms>:<event id>` of the last item. */
export function encodeSecurityEventCursor(p: SecurityEventPosition): string {
  return Buffer.from(`${p.occurredAtMs}:${p.eventId}`, 'utf8').toString('base64url');
}

/** The position a cursor names; anything this server did not issue throws `InvalidCursorError`. */
export function decodeSecurityEventCursor(cursor: string): SecurityEventPosition {
  if (!/^[A-Za-z0-9_-]{1,160}$/.test(cursor)) throw new InvalidCursorError();
  const match = /^(\d{1,15}):(evt_[A-Za-z0-9_-]{1,80})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new InvalidCursorError();
  const p = { occurredAtMs: Number(match[1]), eventId: match[2]! };
  if (encodeSecurityEventCursor(p) !== cursor) throw new InvalidCursorError();
  return p;
}
