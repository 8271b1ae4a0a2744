import { intakeAlertOf } from './incident-intake.reactor';

const alert = { id: 'alrt_1', tenantId: 'ten_a', actionId: null, severity: 'high', code: 'ACTION_QUARANTINED', message: 'm', createdAt: '2026-05-01T00:00:00.000Z', metadata: {} };

describe('intakeAlertOf (which alerts become incidents)', () => {
  it('takes the alerts of the stream', () => {
    expect(intakeAlertOf('ten_a', { alert })).toEqual(alert);
  });

  it('leaves out incidents’ own reminders, alerts naming another tenant, and malformed receipts', () => {
    expect(intakeAlertOf('ten_a', { alert: { ...alert, code: 'INCIDENT_UPDATE_OVERDUE' } })).toBeNull();
    expect(intakeAlertOf('ten_b', { alert })).toBeNull();
    expect(intakeAlertOf('ten_a', {})).toBeNull();
    expect(intakeAlertOf('ten_a', { alert: { ...alert, id: 7 } })).toBeNull();
  });
});
