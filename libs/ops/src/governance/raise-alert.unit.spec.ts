import type { AlertRecord } from '@oars/domain';
import { ReceiptStreamBuilder } from '@oars/testing';
import { decideRaiseAlert, governanceAlertId } from './raise-alert';

describe('RaiseAlert', () => {
  const alert: AlertRecord = { id: governanceAlertId('t1', 'POLICY_DRIFT', 'act_1'), tenantId: 't1', actionId: 'act_1', severity: 'high', code: 'POLICY_DRIFT', message: 'm', createdAt: '2026-01-01T00:00:00.000Z', metadata: {} };

  it('raises an alert not raised yet, and nothing for one already in its aggregate', () => {
    expect(decideRaiseAlert(null, alert)).toEqual([alert]);
    expect(decideRaiseAlert(new ReceiptStreamBuilder('t1').next({ type: 'alert.raised', data: { alert } }), alert)).toEqual([]);
  });

  it('derives ids from the tenant, the code and the occurrence', () => {
    expect(alert.id).toMatch(/^alrt_[0-9a-f]{24}_policy_drift$/);
    expect(governanceAlertId('t1', 'POLICY_DRIFT', 'act_1')).toBe(alert.id);
    expect(governanceAlertId('t2', 'POLICY_DRIFT', 'act_1')).not.toBe(alert.id);
    expect(governanceAlertId('t1', 'POLICY_DRIFT', 'act_2')).not.toBe(alert.id);
  });
});
