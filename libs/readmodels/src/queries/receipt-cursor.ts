import { InvalidCursorError } from '../errors';

/** The opaque `listReceipts` cursor: base64url of the last returned sequence. */
export function encodeReceiptCursor(sequence: number): string {
  return Buffer.from(String(sequence), 'utf8').toString('base64url');
}

/** The sequence a cursor names; anything this server did not issue throws `InvalidCursorError`. */
export function decodeReceiptCursor(cursor: string): number {
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(cursor)) throw new InvalidCursorError();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw new InvalidCursorError();
  const sequence = Number(text);
  if (!Number.isSafeInteger(sequence) || encodeReceiptCursor(sequence) !== cursor) throw new InvalidCursorError();
  return sequence;
}
