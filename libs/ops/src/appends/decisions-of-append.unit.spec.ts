import type { Receipt } from '@oars/receipts';
import { decisionsOfAppend, deniedHighRiskOfAppend } from './decisions-of-append';

function receipt(type: string, actionId: string | null, extra: Partial<Receipt> = {}): Receipt {
  return { type, actionId, tenantId: 't1', timestamp: '2026-01-01T00:00:00.100Z', data: {}, policy: null, risk: null, ...extra } as Receipt;
}
const policy = (decision: 'allow' | 'deny') => ({ policySetId: 'p', policyVersion: '1', policyHash: 'h', decision, ruleIds: [], rationale: '' });

describe('decisionsOfAppend', () => {
  it('finds each submission decision, timed from the request to the ack', () => {
    const requestedAt = '2026-01-01T00:00:00.000Z';
    const fresh = [
      receipt('action.requested', 'a1', { data: { context: { requestedAt } }, policy: policy('deny'), risk: { score: 95, tier: 'critical', signals: [] } }),
      receipt('action.denied', 'a1', { policy: policy('deny'), risk: { score: 95, tier: 'critical', signals: [] } }),
      receipt('alert.raised', null),
      receipt('action.executed', 'a2', { policy: policy('allow') }), // a later receipt of another action: not a decision
    ];
    expect(decisionsOfAppend(fresh, Date.parse(requestedAt) + 42)).toEqual([{ tenantId: 't1', decision: 'deny', riskTier: 'critical', seconds: 0.042 }]);
    expect(deniedHighRiskOfAppend(fresh)).toEqual([{ tenantId: 't1', state: 'denied', riskTier: 'critical' }]);
  });
});
