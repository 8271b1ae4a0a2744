import { InvalidReceiptError } from '../errors';
import { failureStep } from './failure-step';
import type { TenantProgress } from './projector-status';

const progress = (): TenantProgress => ({ position: 10, head: 20, attempts: 0, retryAt: 0, problem: null, rejections: 0 });
const bad = new InvalidReceiptError('t', 11, 'receiptId and type are required');
const backoff = (n: number) => n * 100;

describe('failureStep', () => {
  it('halves a failing batch at once down to the event that fails alone, then retries it with backoff and parks it', () => {
    const p = progress();
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(failureStep(p, bad, 8, 3, backoff)).toMatchObject({ kind: 'retry', level: 'WARN', delayMs: 0 });
      sizes.push(p.limit!);
    }
    expect(sizes).toEqual([4, 2, 1]);
    expect(failureStep(p, bad, 8, 3, backoff)).toEqual({ kind: 'retry', level: 'WARN', delayMs: 100, message: expect.stringMatching(/^event 11 failed 1 time\(s\), parked after 3: /) });
    expect(failureStep(p, bad, 8, 3, backoff)).toMatchObject({ kind: 'retry', delayMs: 200 });
    expect(failureStep(p, bad, 8, 3, backoff)).toEqual({ kind: 'park', reason: bad.message, attempts: 3 });
  });

  it('never parks on a transient failure: ERROR with the usual backoff, however often', () => {
    const p = { ...progress(), limit: 1 };
    const down = Object.assign(new Error('Connection terminated'), { code: '08006' });
    for (let i = 0; i < 10; i++) expect(failureStep(p, down, 8, 3, backoff)).toEqual({ kind: 'retry', level: 'ERROR', message: 'Connection terminated (SQLSTATE 08006)', delayMs: null });
    expect(p.rejections).toBe(0);
  });
});
