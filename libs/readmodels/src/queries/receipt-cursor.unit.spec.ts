import { decodeReceiptCursor, encodeReceiptCursor } from './receipt-cursor';

describe('receipt cursor', () => {
  it.each([1, 42, 500, 1_000_000, Number.MAX_SAFE_INTEGER])('round-trips sequence %d', (sequence) => {
    const cursor = encodeReceiptCursor(sequence);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeReceiptCursor(cursor)).toBe(sequence);
  });

  it.each(['', '!!', 'abc', 'MA', Buffer.from('-1').toString('base64url'), Buffer.from('01').toString('base64url'), Buffer.from('1.5').toString('base64url'), Buffer.from('99999999999999999').toString('base64url'), encodeReceiptCursor(7) + '='])(
    'rejects %p with invalid_cursor',
    (cursor) => {
      expect(() => decodeReceiptCursor(cursor)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    },
  );
});
