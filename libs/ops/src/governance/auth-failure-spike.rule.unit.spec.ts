import { authFailureSpikeAlerts } from './auth-failure-spike.rule';

const options = { threshold: 20, windowMs: 60_000 };
const now = new Date('2026-03-01T10:15:30.000Z');

describe('authFailureSpikeAlerts', () => {
  it('raises AUTH_FAILURE_SPIKE (high) for a tenant with more failures than the threshold in the window', () => {
    const alerts = authFailureSpikeAlerts([{ tenantId: 't_hot', failures: 25, byCode: { unauthorized: 10, suppressed: 15 } }, { tenantId: 't_calm', failures: 20, byCode: { unauthorized: 20 } }], options, now);
    expect(alerts).toEqual([
      {
        id: expect.stringMatching(/^alrt_[0-9a-f]{24}_auth_failure_spike$/),
        tenantId: 't_hot',
        actionId: null,
        severity: 'high',
        code: 'AUTH_FAILURE_SPIKE',
        message: '25 failed authentications or authorizations in the last 60 s (more than 20).',
        createdAt: now.toISOString(),
        metadata: { target: 'authentication', failures: 25, byCode: { unauthorized: 10, suppressed: 15 }, threshold: 20, windowSeconds: 60, windowStartedAt: '2026-03-01T10:14:30.000Z' },
      },
    ]);
  });

  it('raises one alert per tenant and hour however often the spike is evaluated', () => {
    const id = (at: string, tenantId = 't_hot') => authFailureSpikeAlerts([{ tenantId, failures: 99, byCode: {} }], options, new Date(at))[0]!.id;
    expect(id('2026-03-01T10:59:59.000Z')).toBe(id('2026-03-01T10:00:00.000Z'));
    expect(id('2026-03-01T11:00:00.000Z')).not.toBe(id('2026-03-01T10:00:00.000Z'));
    expect(id('2026-03-01T10:00:00.000Z', 't_other')).not.toBe(id('2026-03-01T10:00:00.000Z'));
  });
});
