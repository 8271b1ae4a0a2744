import type { AlertDeliveryCommand, RecordAlertDeliveryAttempt, ReplayAlertDelivery, RequestAlertDeliveries } from './alert-delivery.commands';
import { ALERT_DELIVERED, ALERT_DELIVERY_FAILED, ALERT_DELIVERY_REPLAYED, ALERT_DELIVERY_REQUESTED, type AlertDeliveryEvent } from './alert-delivery.events';
import { type AlertDeliveryRecord, alertDeliveryIdOf, alertDeliverySubject } from './alert-delivery.types';
import type { AlertDeliveriesState } from './alert-delivery.state';
import { AlertDeliveryNotFoundError, AlertDeliveryNotReplayableError } from './alerting.errors';

/** What a delivery to a channel id nobody configured records (OARS v1's message). */
export const CHANNEL_NOT_CONFIGURED = 'Channel not configured.';

export function decideAlertDelivery(state: AlertDeliveriesState, command: AlertDeliveryCommand): AlertDeliveryEvent[] {
  switch (command.type) {
    case 'RequestAlertDeliveries':
      return decideRequestAlertDeliveries(state, command);
    case 'RecordAlertDeliveryAttempt':
      return decideRecordAlertDeliveryAttempt(state, command);
    case 'ReplayAlertDelivery':
      return decideReplayAlertDelivery(state, command);
    default: {
      const never: never = command;
      throw new Error(`unknown alert delivery command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * One `alert.delivery_requested` per target not requested yet (a rerun of the routing decides
 * nothing new); a target no configured channel has is dead at once, naming the reason, so the
 * dead-letter list shows it and a replay after the channel is configured delivers it.
 */
export function decideRequestAlertDeliveries(state: AlertDeliveriesState, cmd: RequestAlertDeliveries): AlertDeliveryEvent[] {
  const { tenantId, sourceId, notification, targets } = cmd.data;
  const { now } = cmd.metadata;
  const events: AlertDeliveryEvent[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    const deliveryId = alertDeliveryIdOf(sourceId, target.channelId);
    if (seen.has(deliveryId) || state.deliveries.has(deliveryId)) continue;
    seen.add(deliveryId);
    const delivery: AlertDeliveryRecord = {
      deliveryId,
      tenantId,
      channelId: target.channelId,
      channelType: target.channelType ?? 'unknown',
      kind: notification.kind,
      alertId: notification.alert?.id ?? null,
      incidentId: notification.incident?.incidentId ?? null,
      dedupKey: notification.dedupKey,
      status: target.channelType === null ? 'dead' : 'pending',
      attempts: 0,
      replays: 0,
      requestedAt: now,
      lastAttemptAt: null,
      nextAttemptAt: target.channelType === null ? null : now,
      deliveredAt: null,
      lastStatusCode: null,
      lastError: target.channelType === null ? CHANNEL_NOT_CONFIGURED : null,
      notification,
    };
    const type = target.channelType === null ? ALERT_DELIVERY_FAILED : ALERT_DELIVERY_REQUESTED;
    events.push({ type, subject: alertDeliverySubject(deliveryId), data: { delivery } } as AlertDeliveryEvent);
  }
  return events;
}

/**
 * A counted try: delivered; or failed with the next try at `retryAt`; or dead when the refusal is
 * final or the tries are used up. A try of a delivery that has ended meanwhile (delivered, dead: a
 * raced or repeated timer) decides nothing.
 */
export function decideRecordAlertDeliveryAttempt(state: AlertDeliveriesState, cmd: RecordAlertDeliveryAttempt): AlertDeliveryEvent[] {
  const { deliveryId, outcome } = cmd.data;
  const { now, maxAttempts, retryAt } = cmd.metadata;
  const current = state.deliveries.get(deliveryId);
  if (!current) throw new AlertDeliveryNotFoundError(deliveryId);
  if (current.status !== 'pending' && current.status !== 'failed') return [];
  const attempts = current.attempts + 1;
  const tried = { ...current, attempts, lastAttemptAt: now, lastStatusCode: outcome.statusCode };
  const subject = alertDeliverySubject(deliveryId);
  if (outcome.ok) {
    return [{ type: ALERT_DELIVERED, subject, data: { delivery: { ...tried, status: 'delivered', deliveredAt: now, nextAttemptAt: null, lastError: null } } }];
  }
  const dead = !outcome.retryable || attempts >= maxAttempts;
  const delivery: AlertDeliveryRecord = { ...tried, status: dead ? 'dead' : 'failed', nextAttemptAt: dead ? null : retryAt, lastError: outcome.error };
  return [{ type: ALERT_DELIVERY_FAILED, subject, data: { delivery } }];
}

/** A failed or dead delivery starts again from its first try, due now; others are refused (409). */
export function decideReplayAlertDelivery(state: AlertDeliveriesState, cmd: ReplayAlertDelivery): AlertDeliveryEvent[] {
  const { deliveryId } = cmd.data;
  const current = state.deliveries.get(deliveryId);
  if (!current) throw new AlertDeliveryNotFoundError(deliveryId);
  if (current.status !== 'failed' && current.status !== 'dead') throw new AlertDeliveryNotReplayableError(deliveryId, current.status);
  const delivery: AlertDeliveryRecord = { ...current, status: 'pending', attempts: 0, replays: current.replays + 1, nextAttemptAt: cmd.metadata.now };
  return [{ type: ALERT_DELIVERY_REPLAYED, subject: alertDeliverySubject(deliveryId), data: { delivery, actor: cmd.metadata.actor } }];
}
