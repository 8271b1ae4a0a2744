import type { AlertNotification } from './alert-delivery.types';

/** A channel a notification is routed to; `channelType` null: no configured channel has that id. */
export interface DeliveryTarget {
  channelId: string;
  channelType: string | null;
}

/** Records one delivery per target of a notification (the routing reactor). */
export interface RequestAlertDeliveries {
  readonly type: 'RequestAlertDeliveries';
  /** `sourceId`: what the notification is of (an alert id, an incident receipt id); delivery ids derive from it. */
  readonly data: { tenantId: string; sourceId: string; notification: AlertNotification; targets: readonly DeliveryTarget[] };
  readonly metadata: { now: string };
}

/** What one send of a delivery came to. `retryable`: a later try may succeed (5xx, 429, timeout, network). */
export type DeliveryAttemptOutcome =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; retryable: boolean };

/** Records a counted try of a delivery (the delivery reactor). */
export interface RecordAlertDeliveryAttempt {
  readonly type: 'RecordAlertDeliveryAttempt';
  readonly data: { deliveryId: string; outcome: DeliveryAttemptOutcome };
  /** `retryAt`: when the next try is due if this one failed (backoff with jitter, chosen by the caller). */
  readonly metadata: { now: string; maxAttempts: number; retryAt: string };
}

/** Sends a failed or dead delivery again, from its first try (an operator). */
export interface ReplayAlertDelivery {
  readonly type: 'ReplayAlertDelivery';
  readonly data: { deliveryId: string };
  readonly metadata: { now: string; actor: string };
}

export type AlertDeliveryCommand = RequestAlertDeliveries | RecordAlertDeliveryAttempt | ReplayAlertDelivery;
