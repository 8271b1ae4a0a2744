import type { AlertChannelConfig } from '@oars/config';
import { type AlertRecord, alertNotificationOf, incidentDedupKey, incidentNotificationOf } from '@oars/domain';
import { channelRequestOf } from './channel-payloads';

const alert: AlertRecord = {
  id: 'alrt_abc_policy_denied', tenantId: 'tenant_alpha', actionId: 'act_abc', severity: 'medium', code: 'POLICY_DENIED',
  message: 'Action denied by policy.', createdAt: '2026-03-01T10:00:00.000Z', metadata: { operation: 'drop_database', toolId: 'database', riskTier: 'high' },
};
const ctx = { deliveryId: 'dlv_1', pagerDutyEventsUrl: 'https://events.pagerduty.com/v2/enqueue' };
const slack: AlertChannelConfig = { id: 'slack_secops', type: 'slack_webhook', url: 'https://hooks.slack.com/services/T/B/x', rateLimitPerMinute: 60, breakerFailures: null };
const pagerduty: AlertChannelConfig = { id: 'pagerduty', type: 'pagerduty_events_v2', routingKey: 'RK', source: null, rateLimitPerMinute: 120, breakerFailures: null };
const webhook: AlertChannelConfig = { id: 'hook', type: 'generic_webhook', url: 'https://hooks.example.com/in', headers: { 'x-team': 'secops' }, rateLimitPerMinute: 0, breakerFailures: null };
const incident = { incidentId: 'inc_1', tenantId: 'tenant_alpha', severity: 'SEV1', status: 'resolved', dedupKey: 'oars-0123', code: 'EXECUTION_FAILED', target: 'db:prod', alertSeverity: 'critical', summary: 'Connector execution failed.', escalationLevel: 0 };

describe('channel payloads (OARS v1 §2.14)', () => {
  it('Slack: the v1 text, without " action=" when the alert has no action', () => {
    expect(channelRequestOf(slack, alertNotificationOf(alert), ctx)).toEqual({
      url: slack.url,
      headers: { 'content-type': 'application/json' },
      body: '{"text":"[MEDIUM] POLICY_DENIED - Action denied by policy.\\ntenant=tenant_alpha action=act_abc"}',
    });
    expect(JSON.parse(channelRequestOf(slack, alertNotificationOf({ ...alert, actionId: null }), ctx).body).text).toBe('[MEDIUM] POLICY_DENIED - Action denied by policy.\ntenant=tenant_alpha');
  });

  it('PagerDuty: the v1 trigger plus the incident dedup_key, to the configured endpoint', () => {
    const request = channelRequestOf(pagerduty, alertNotificationOf(alert), { ...ctx, pagerDutyEventsUrl: 'http://127.0.0.1:9/pd' });
    expect(request.url).toBe('http://127.0.0.1:9/pd');
    expect(request.body).toBe(JSON.stringify({
      routing_key: 'RK', event_action: 'trigger', dedup_key: incidentDedupKey(alert),
      payload: { summary: '[MEDIUM] POLICY_DENIED - Action denied by policy.', source: 'oars-platform', severity: 'warning', custom_details: { alertId: alert.id, tenantId: 'tenant_alpha', actionId: 'act_abc', code: 'POLICY_DENIED', metadata: alert.metadata } },
    }));
    const critical = JSON.parse(channelRequestOf({ ...pagerduty, source: 'oars-eu' }, alertNotificationOf({ ...alert, severity: 'critical' }), ctx).body);
    expect(critical.payload).toMatchObject({ severity: 'critical', source: 'oars-eu', summary: '[CRITICAL] POLICY_DENIED - Action denied by policy.' });
  });

  it('PagerDuty: acknowledge and resolve of the incident dedup key', () => {
    for (const [type, action] of [['incident.acknowledged', 'acknowledge'], ['incident.resolved', 'resolve']]) {
      const n = incidentNotificationOf(type!, { incident })!;
      expect(channelRequestOf(pagerduty, n, ctx).body).toBe(JSON.stringify({ routing_key: 'RK', event_action: action, dedup_key: 'oars-0123' }));
    }
  });

  it('generic webhook: the whole AlertRecord in v1 key order, its headers merged, and the delivery id as idempotency key', () => {
    const request = channelRequestOf(webhook, alertNotificationOf(Object.fromEntries(Object.entries(alert).reverse()) as unknown as AlertRecord), ctx);
    expect(request.headers).toEqual({ 'content-type': 'application/json', 'idempotency-key': 'dlv_1', 'x-team': 'secops' });
    expect(Object.keys(JSON.parse(request.body))).toEqual(['id', 'tenantId', 'actionId', 'severity', 'code', 'message', 'createdAt', 'metadata']);
    expect(JSON.parse(request.body)).toEqual(alert);
  });

  it('an escalation: a Slack line naming the level and who is paged, a PagerDuty trigger of the incident, a webhook event', () => {
    const n = incidentNotificationOf('incident.escalated', { incident: { ...incident, status: 'open' }, notify: { level: 1, oncallUserIds: ['bob'], channelIds: ['slack_secops'] } })!;
    expect(JSON.parse(channelRequestOf(slack, n, ctx).body).text).toBe('[SEV1] ESCALATED (level 1) EXECUTION_FAILED - Connector execution failed.\ntenant=tenant_alpha incident=inc_1 oncall=bob');
    expect(JSON.parse(channelRequestOf(pagerduty, n, ctx).body)).toMatchObject({ event_action: 'trigger', dedup_key: 'oars-0123', payload: { severity: 'critical', custom_details: { incidentId: 'inc_1', escalationLevel: 1 } } });
    expect(JSON.parse(channelRequestOf(webhook, n, ctx).body)).toMatchObject({ event: 'incident.escalated', dedupKey: 'oars-0123', incident: { incidentId: 'inc_1', oncallUserIds: ['bob'] } });
    const opened = incidentNotificationOf('incident.escalated', { incident: { ...incident, status: 'open', code: null }, notify: { level: 0, oncallUserIds: [], channelIds: ['slack_secops'] }, reason: 'opened' })!;
    expect(JSON.parse(channelRequestOf(slack, opened, ctx).body).text).toBe('[SEV1] OPENED INCIDENT - Connector execution failed.\ntenant=tenant_alpha incident=inc_1');
  });
});
