import { given as givenOn } from '@oars/testing';
import type { AlertRecord } from '../alerts';
import { incidentDedupKey } from '../alerts';
import type { AlertDeliveryCommand, DeliveryAttemptOutcome, DeliveryTarget } from './alert-delivery.commands';
import { CHANNEL_NOT_CONFIGURED, decideAlertDelivery } from './alert-delivery.decide';
import type { AlertDeliveryEvent } from './alert-delivery.events';
import { type AlertDeliveriesState, evolveAlertDeliveries, initialAlertDeliveriesState } from './alert-delivery.state';
import { alertDeliveryIdOf } from './alert-delivery.types';
import { AlertDeliveryNotFoundError, AlertDeliveryNotReplayableError } from './alerting.errors';
import { alertNotificationOf, escalatesOpeningAlert, escalationChannelIds, incidentNotificationOf } from './alert-notifications';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-01T10:00:01.000Z';
const RETRY = '2026-03-01T10:00:03.000Z';
const alert: AlertRecord = { id: 'alrt_abc_policy_denied', tenantId: 't', actionId: 'act_abc', severity: 'medium', code: 'POLICY_DENIED', message: 'Action denied by policy.', createdAt: T0, metadata: { operation: 'drop_database', toolId: 'database', riskTier: 'high' } };
const SLACK = alertDeliveryIdOf(alert.id, 'slack_secops');

const request = (targets: DeliveryTarget[]): AlertDeliveryCommand => ({ type: 'RequestAlertDeliveries', data: { tenantId: 't', sourceId: alert.id, notification: alertNotificationOf(alert), targets }, metadata: { now: T0 } });
const attempt = (outcome: DeliveryAttemptOutcome, maxAttempts = 3, deliveryId = SLACK): AlertDeliveryCommand => ({ type: 'RecordAlertDeliveryAttempt', data: { deliveryId, outcome }, metadata: { now: T1, maxAttempts, retryAt: RETRY } });
const replay = (deliveryId = SLACK): AlertDeliveryCommand => ({ type: 'ReplayAlertDelivery', data: { deliveryId }, metadata: { now: T1, actor: 'admin_user' } });
const failure = (retryable = true): DeliveryAttemptOutcome => ({ ok: false, statusCode: retryable ? 503 : 400, error: `HTTP ${retryable ? 503 : 400}`, retryable });

const deliveryDecider = { initialState: initialAlertDeliveriesState, evolve: evolveAlertDeliveries, decide: (c: AlertDeliveryCommand, s: AlertDeliveriesState) => decideAlertDelivery(s, c) };
const given = (...history: AlertDeliveryEvent[]) => givenOn(deliveryDecider, ...history);
/** The events of `commands` decided one after the other from nothing. */
function history(...commands: AlertDeliveryCommand[]): AlertDeliveryEvent[] {
  const out: AlertDeliveryEvent[] = [];
  for (const c of commands) out.push(...given(...out).when(c).events());
  return out;
}
const requested = history(request([{ channelId: 'slack_secops', channelType: 'slack_webhook' }]));

describe('RequestAlertDeliveries', () => {
  it('given nothing, then one pending delivery per channel carrying the notification, and a dead one for an unconfigured channel', () => {
    const events = given().when(request([{ channelId: 'slack_secops', channelType: 'slack_webhook' }, { channelId: 'pager', channelType: null }, { channelId: 'slack_secops', channelType: 'slack_webhook' }])).events();
    expect(events.map((e) => [e.type, e.subject, e.data.delivery.status])).toEqual([
      ['alert.delivery_requested', `alertdelivery.${SLACK}`, 'pending'],
      ['alert.delivery_failed', `alertdelivery.${alertDeliveryIdOf(alert.id, 'pager')}`, 'dead'],
    ]);
    expect(events[0]!.data.delivery).toEqual({
      deliveryId: SLACK, tenantId: 't', channelId: 'slack_secops', channelType: 'slack_webhook', kind: 'trigger', alertId: alert.id, incidentId: null,
      dedupKey: incidentDedupKey(alert), status: 'pending', attempts: 0, replays: 0, requestedAt: T0, lastAttemptAt: null, nextAttemptAt: T0,
      deliveredAt: null, lastStatusCode: null, lastError: null, notification: { kind: 'trigger', dedupKey: incidentDedupKey(alert), alert, incident: null },
    });
    expect(events[1]!.data.delivery).toMatchObject({ channelType: 'unknown', lastError: CHANNEL_NOT_CONFIGURED, nextAttemptAt: null });
  });

  it('given the deliveries already requested (a rerun of the routing), then nothing', () => {
    given(...requested).when(request([{ channelId: 'slack_secops', channelType: 'slack_webhook' }])).then([]);
  });
});

describe('RecordAlertDeliveryAttempt', () => {
  it('given a pending delivery, when the send succeeds, then alert.delivered', () => {
    const [delivered] = given(...requested).when(attempt({ ok: true, statusCode: 200 })).events();
    expect(delivered).toMatchObject({ type: 'alert.delivered', data: { delivery: { status: 'delivered', attempts: 1, deliveredAt: T1, lastAttemptAt: T1, lastStatusCode: 200, nextAttemptAt: null } } });
  });

  it('when a retryable send fails, then failed with the next try at retryAt; at the last try, dead', () => {
    const [failed] = given(...requested).when(attempt(failure())).events();
    expect(failed).toMatchObject({ type: 'alert.delivery_failed', data: { delivery: { status: 'failed', attempts: 1, nextAttemptAt: RETRY, lastError: 'HTTP 503', lastStatusCode: 503 } } });
    const twice = history(request([{ channelId: 'slack_secops', channelType: 'slack_webhook' }]), attempt(failure()), attempt(failure()));
    const [dead] = given(...twice).when(attempt(failure())).events();
    expect(dead!.data.delivery).toMatchObject({ status: 'dead', attempts: 3, nextAttemptAt: null });
  });

  it('when the refusal is final (4xx), then dead at the first try', () => {
    expect(given(...requested).when(attempt(failure(false))).events()[0]!.data.delivery).toMatchObject({ status: 'dead', attempts: 1, lastStatusCode: 400 });
  });

  it('given a delivery that ended (a repeated timer), then nothing; given none, not found', () => {
    const delivered = history(request([{ channelId: 'slack_secops', channelType: 'slack_webhook' }]), attempt({ ok: true, statusCode: 202 }));
    given(...delivered).when(attempt(failure())).then([]);
    given().when(attempt(failure())).thenThrows(AlertDeliveryNotFoundError, 'alert_delivery_not_found');
  });
});

describe('ReplayAlertDelivery', () => {
  const dead = history(request([{ channelId: 'slack_secops', channelType: 'slack_webhook' }]), attempt(failure(false)));

  it('given a dead delivery, then alert.delivery_replayed: pending again from its first try, due now', () => {
    const [replayed] = given(...dead).when(replay()).events();
    expect(replayed).toMatchObject({ type: 'alert.delivery_replayed', data: { actor: 'admin_user', delivery: { status: 'pending', attempts: 0, replays: 1, nextAttemptAt: T1, lastError: 'HTTP 400' } } });
  });

  it('given a pending or delivered delivery, then not replayable (409); given none, not found', () => {
    given(...requested).when(replay()).thenThrows(AlertDeliveryNotReplayableError, 'alert_delivery_not_replayable');
    given().when(replay()).thenThrows(AlertDeliveryNotFoundError);
  });
});

describe('notifications', () => {
  const incident = { incidentId: 'inc_1', tenantId: 't', severity: 'SEV1', status: 'acknowledged', dedupKey: 'oars-abc', code: 'EXECUTION_FAILED', target: 'db:prod', alertSeverity: null, summary: 'Connector execution failed.', escalationLevel: 1 };

  it('reads acknowledge, resolve and escalate from incident receipts, with the incident dedup key', () => {
    expect(incidentNotificationOf('incident.acknowledged', { incident })).toMatchObject({ kind: 'acknowledge', dedupKey: 'oars-abc', alert: null, incident: { incidentId: 'inc_1', alertSeverity: 'critical', escalationLevel: 1 } });
    expect(incidentNotificationOf('incident.resolved', { incident })?.kind).toBe('resolve');
    const notify = { level: 2, oncallUserIds: ['bob'], channelIds: ['slack_secops'] };
    expect(incidentNotificationOf('incident.escalated', { incident, notify, reason: 'ack_target_missed' })).toMatchObject({ kind: 'escalate', incident: { escalationLevel: 2, oncallUserIds: ['bob'], reason: 'ack_target_missed' } });
    expect(incidentNotificationOf('incident.resolved', { incident, reason: 'x' })?.incident?.reason).toBeNull();
    expect(escalationChannelIds({ notify })).toEqual(['slack_secops']);
  });

  it("knows the opening step of an alert's incident, whose channels the alert reached already", () => {
    expect(escalatesOpeningAlert({ incident: { ...incident, alertIds: ['alrt_1'] }, reason: 'opened' })).toBe(true);
    expect(escalatesOpeningAlert({ incident: { ...incident, alertIds: [] }, reason: 'opened' })).toBe(false); // declared by hand
    expect(escalatesOpeningAlert({ incident: { ...incident, alertIds: ['alrt_1'] }, reason: 'ack_target_missed' })).toBe(false);
  });

  it('ignores other receipts and snapshots without a dedup key', () => {
    expect(incidentNotificationOf('incident.opened', { incident })).toBeNull();
    expect(incidentNotificationOf('incident.resolved', { incident: { ...incident, dedupKey: '' } })).toBeNull();
    expect(escalationChannelIds({})).toEqual([]);
  });
});
