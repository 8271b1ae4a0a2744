import { type AlertDeliveryRecord, alertDeliverySubject } from './alert-delivery.types';

export const ALERT_DELIVERY_REQUESTED = 'alert.delivery_requested';
export const ALERT_DELIVERED = 'alert.delivered';
export const ALERT_DELIVERY_FAILED = 'alert.delivery_failed';
export const ALERT_DELIVERY_REPLAYED = 'alert.delivery_replayed';
export const ALERT_DELIVERY_EVENT_TYPES: readonly string[] = [ALERT_DELIVERY_REQUESTED, ALERT_DELIVERED, ALERT_DELIVERY_FAILED, ALERT_DELIVERY_REPLAYED];

interface DeliveryEvent<T extends string, D = Record<never, never>> {
  readonly type: T;
  readonly subject: string;
  /** Every receipt of a delivery carries it whole: its latest receipt is its state. */
  readonly data: { delivery: AlertDeliveryRecord } & D;
}

export type AlertDeliveryRequested = DeliveryEvent<typeof ALERT_DELIVERY_REQUESTED>;
export type AlertDelivered = DeliveryEvent<typeof ALERT_DELIVERED>;
/** A counted try failed: `delivery.status` is `failed` (another try is due) or `dead`. */
export type AlertDeliveryFailed = DeliveryEvent<typeof ALERT_DELIVERY_FAILED>;
export type AlertDeliveryReplayed = DeliveryEvent<typeof ALERT_DELIVERY_REPLAYED, { actor: string }>;
export type AlertDeliveryEvent = AlertDeliveryRequested | AlertDelivered | AlertDeliveryFailed | AlertDeliveryReplayed;

/** The delivery event a stored receipt carries, or null for any other receipt (or a malformed one). */
export function alertDeliveryEventOf(receipt: { type: string; data: Record<string, unknown> } | null): AlertDeliveryEvent | null {
  if (!receipt || !ALERT_DELIVERY_EVENT_TYPES.includes(receipt.type)) return null;
  const delivery = receipt.data.delivery as AlertDeliveryRecord | undefined;
  if (!delivery || typeof delivery.deliveryId !== 'string' || typeof delivery.channelId !== 'string' || typeof delivery.status !== 'string') return null;
  return { type: receipt.type, subject: alertDeliverySubject(delivery.deliveryId), data: receipt.data } as AlertDeliveryEvent;
}
