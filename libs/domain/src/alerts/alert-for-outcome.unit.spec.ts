import { alertForOutcome } from './alert.types';

const resource = { toolId: 'iam', operation: 'rotate_keys', target: 'staging' };
const given = (state: string, tier: 'low' | 'medium' | 'high' | 'critical', error?: string) =>
  alertForOutcome({ tenantId: 't', actionId: 'act_abc', state, resource, risk: { score: 80, tier, signals: [] }, error: error ?? null, now: '2026-01-01T00:00:00.000Z' });

describe('alertForOutcome (OARS v1 §2.7)', () => {
  it('raises POLICY_DENIED (medium) and ACTION_QUARANTINED (high)', () => {
    expect(given('denied', 'low')).toMatchObject({ code: 'POLICY_DENIED', severity: 'medium', message: 'Action denied by policy.', metadata: { riskTier: 'low' } });
    expect(given('quarantined', 'medium')).toMatchObject({ code: 'ACTION_QUARANTINED', severity: 'high' });
  });

  it('raises EXECUTION_FAILED, critical only at the critical tier', () => {
    expect(given('failed', 'high', 'boom')).toMatchObject({ code: 'EXECUTION_FAILED', severity: 'medium', metadata: { error: 'boom' } });
    expect(given('failed', 'critical')).toMatchObject({ severity: 'critical' });
  });

  it('raises HIGH_RISK_EXECUTED at the tier of the action, and nothing for low or medium executions', () => {
    expect(given('executed', 'high')).toMatchObject({ code: 'HIGH_RISK_EXECUTED', severity: 'high', metadata: { riskScore: 80, target: 'staging' } });
    expect(given('executed', 'medium')).toBeNull();
    expect(given('approval_required', 'critical')).toBeNull();
  });

  it('derives one id per action and code, so a retry raises the same alert', () => {
    expect(given('denied', 'low')!.id).toBe(given('denied', 'low')!.id);
    expect(given('denied', 'low')!.id).toMatch(/^alrt_abc_policy_denied$/);
  });
});
