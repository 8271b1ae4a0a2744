import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReceiptStreamBuilder, givenActionRequested } from '@oars/testing';
import { ALERT_MESSAGE_SCHEMA, alertMessageOf, alertSubject, alertSubscriptionSubject } from './alert-message';

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

const alert = { id: 'alrt_x_integrity_violation', tenantId: 'tenant_m', actionId: null, severity: 'critical', code: 'INTEGRITY_VIOLATION', message: 'm', createdAt: '2026-01-01T00:00:00.000Z', metadata: {} };

describe('alert subjects', () => {
  it('are <prefix>.alerts.<region>.<tenant>.<severity>, and subscriptions narrow by tenant and severity', () => {
    expect(alertSubject('oars', 'EU1', 'tenant_m', 'high')).toBe('oars.alerts.eu1.tenant_m.high');
    expect(alertSubscriptionSubject('oars', 'eu1')).toBe('oars.alerts.eu1.*.*');
    expect(alertSubscriptionSubject('oars', 'eu1', { tenantId: 't1' })).toBe('oars.alerts.eu1.t1.*');
    expect(alertSubscriptionSubject('oars', 'eu1', { severity: 'critical' })).toBe('oars.alerts.eu1.*.critical');
    expect(matches(alertSubscriptionSubject('oars', 'eu1', { severity: 'critical' }), alertSubject('oars', 'eu1', '_platform', 'critical'))).toBe(true);
  });

  it.each([
    ['eu1', 'tenant_m'], ['eu1', 'alerts'], ['eu1', 'eu1'], ['local', '_platform'], ['us-east', 'critical'],
  ])('are never captured by a tenant stream (<prefix>.<region>.<tenant>.>) of any region the configuration allows (alerts of %s/%s)', (region, tenant) => {
    for (const streamRegion of [region, 'eu1', 'local', tenant].filter((r) => r !== 'alerts')) {
      for (const streamTenant of [tenant, region, 'alerts', 'tenant_m']) {
        const streamSubjects = `oars.${streamRegion.toLowerCase()}.${streamTenant}.>`;
        for (const severity of ['low', 'medium', 'high', 'critical'] as const) expect(matches(streamSubjects, alertSubject('oars', region, tenant, severity))).toBe(false);
      }
    }
  });

  it('would be captured by the streams of a region called "alerts", which OARS_REGION refuses', () => {
    expect(matches('oars.alerts.eu1.>', alertSubject('oars', 'eu1', 'tenant_m', 'low'))).toBe(true);
  });
});

describe('alertMessageOf', () => {
  const stream = new ReceiptStreamBuilder('tenant_m');

  it('carries the alert, where its receipt is, and the incident severity and dedup key', () => {
    const receipt = stream.next({ type: 'alert.raised', data: { alert } });
    expect(alertMessageOf(receipt, 'eu1')).toEqual({
      schema: ALERT_MESSAGE_SCHEMA,
      region: 'eu1',
      tenantId: 'tenant_m',
      sequence: receipt.sequence,
      receiptId: receipt.receiptId,
      receiptHash: receipt.integrity.receiptHash,
      raisedAt: receipt.timestamp,
      incidentSeverity: 'SEV1',
      dedupKey: expect.stringMatching(/^oars-[0-9a-f]{32}$/),
      alert,
    });
  });

  it('is null for other receipts, malformed alerts and alerts of another tenant', () => {
    expect(alertMessageOf(givenActionRequested(stream), 'eu1')).toBeNull();
    expect(alertMessageOf(stream.next({ type: 'alert.raised', data: { alert: { ...alert, severity: 'urgent' } } }), 'eu1')).toBeNull();
    expect(alertMessageOf(stream.next({ type: 'alert.raised', data: { alert: { ...alert, tenantId: 'tenant_other' } } }), 'eu1')).toBeNull();
  });

  it('matches the JSON schema documented in docs/governance-alerts.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/governance-alerts.md'), 'utf8');
    const schema = JSON.parse(/```json\n(\{\n {2}"\$schema"[\s\S]*?\n\})\n```/.exec(doc)![1]!) as { required: string[]; properties: Record<string, { required?: string[]; enum?: string[] }> };
    const message = alertMessageOf(stream.next({ type: 'alert.raised', data: { alert } }), 'eu1')!;
    expect(Object.keys(message).sort()).toEqual([...schema.required].sort());
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(message).sort());
    expect(Object.keys(message.alert).sort()).toEqual([...schema.properties.alert!.required!].sort());
    expect(schema.properties.schema!.enum).toEqual([ALERT_MESSAGE_SCHEMA]);
  });
});
