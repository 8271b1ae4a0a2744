import type { Progress } from './integrity-status';
import { summariseIntegrity } from './integrity-status';

const progress = (position: number, head: number): Progress => ({
  record: { at: { position, lastHash: null, keys: {} }, checkedAt: null, lastResult: 'ok', findingsTotal: 0, lastFinding: null },
  head,
  error: null,
  retryAt: 0,
  attempts: 0,
});

describe('summariseIntegrity', () => {
  const base = { running: true, ready: true, pollError: null, checkedReceipts: 10, findings: 0, lastRunAt: null };

  it('says when appends outpace the verifier and at which rate it checks meanwhile', () => {
    const status = summariseIntegrity({ ...base, tenants: new Map([['t1', progress(10, 5010)]]), appendsPerSecond: 2999.6, maxReceiptsPerSecond: 100, yielding: true });
    expect(status).toMatchObject({ state: 'OK', lagEvents: 5000, appendsPerSecond: 3000, maxReceiptsPerSecond: 100 });
    expect(status.message).toBe('Verifying 1 stream(s), 5000 receipt(s) behind, no violations. Appends (3000/s) outpace the verifier: it checks 100/s until they slow down.');
  });

  it('says nothing of the rate at the full rate', () => {
    const status = summariseIntegrity({ ...base, tenants: new Map([['t1', progress(10, 10)]]), appendsPerSecond: 12, maxReceiptsPerSecond: 1000, yielding: false });
    expect(status).toMatchObject({ state: 'OK', lagEvents: 0, appendsPerSecond: 12, maxReceiptsPerSecond: 1000 });
    expect(status.message).toBe('Verifying 1 stream(s), 0 receipt(s) behind, no violations.');
  });
});
