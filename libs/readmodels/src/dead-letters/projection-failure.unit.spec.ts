import { DependencyUnavailableError } from '@oars/eventstore';
import { InvalidReceiptError } from '../errors';
import { classifyFailure } from './projection-failure';

const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it('calls the events\u2019 own faults deterministic: data errors (22, 23, 54), not-a-receipt, a projection bug', () => {
    expect(classifyFailure(sqlError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toEqual({ deterministic: true, reason: 'invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021)' });
    expect(classifyFailure(sqlError('23505', 'duplicate key')).deterministic).toBe(true);
    expect(classifyFailure(sqlError('54000', 'index row size exceeds maximum')).deterministic).toBe(true);
    expect(classifyFailure(new InvalidReceiptError('t', 4, 'receiptId and type are required'))).toEqual({ deterministic: true, reason: 'Event t#4 is not a valid receipt: receiptId and type are required' });
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toEqual({ deterministic: true, reason: "TypeError: Cannot read properties of undefined (reading 'id')" });
  });

  it('calls everything else transient: connection loss, shutdown, deadlock, a missing table, a raised exception, an unknown error', () => {
    for (const err of [
      new DependencyUnavailableError('postgres', new Error('Connection terminated')),
      sqlError('57P01', 'terminating connection due to administrator command'),
      sqlError('40P01', 'deadlock detected'),
      sqlError('42P01', 'relation "actions" does not exist'),
      sqlError('P0001', 'injected failure'),
      new Error('something else'),
      'a string',
    ]) expect(classifyFailure(err).deterministic).toBe(false);
  });
});
