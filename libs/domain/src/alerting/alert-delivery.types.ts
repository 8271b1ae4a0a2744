import { sha256Hex } from '@oars/receipts';
import type { AlertRecord, AlertSeverity, IncidentSeverity } from '../alerts';
import type { IncidentStatus } from '../incidents';

/**
 * `pending`: waiting for its (next) send; `failed`: its last counted try failed and another is
 * due at `nextAttemptAt`; `delivered`; `dead`: given up (tries used up, a refusal that no retry
 * changes, or no such channel configured). Failed and dead deliveries can be replayed.
 */
export type AlertDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';
export const ALERT_DELIVERY_STATUSES: readonly AlertDeliveryStatus[] = ['pending', 'delivered', 'failed', 'dead'];

/**
 * `trigger`: an alert; `acknowledge` / `resolve`: an incident acknowledged or resolved (PagerDuty
 * event actions of the incident's dedup key); `escalate`: an incident escalated to more people.
 */
export type AlertNotificationKind = 'trigger' | 'acknowledge' | 'resolve' | 'escalate';

/** What a notification says about an incident (from the `data.incident` snapshot). */
export interface IncidentNotice {
  incidentId: string;
  tenantId: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  summary: string;
  code: string | null;
  alertSeverity: AlertSeverity;
  escalationLevel: number;
  /** Who the escalation pages (escalations only; empty otherwise). */
  oncallUserIds: string[];
  /** Why it escalated (`opened`, `ack_target_missed`; escalations only, else null). */
  reason: string | null;
}

/** What to deliver, whatever the channel: each channel type renders it its own way. */
export interface AlertNotification {
  kind: AlertNotificationKind;
  /** PagerDuty `dedup_key`: stable per incident (`incidentDedupKey`), the same on every retry. */
  dedupKey: string;
  alert: AlertRecord | null;
  incident: IncidentNotice | null;
}

/** One notification to one channel, as every receipt of it carries it (`data.delivery`). */
export interface AlertDeliveryRecord {
  deliveryId: string;
  tenantId: string;
  channelId: string;
  /** The channel's type when it was routed; `unknown` for an id no configured channel has. */
  channelType: string;
  kind: AlertNotificationKind;
  alertId: string | null;
  incidentId: string | null;
  dedupKey: string;
  status: AlertDeliveryStatus;
  /** Counted tries since the delivery was requested or last replayed. */
  attempts: number;
  replays: number;
  requestedAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  notification: AlertNotification;
}

export const alertDeliverySubject = (deliveryId: string) => `alertdelivery.${deliveryId}`;

/** One delivery per source (an alert, an incident receipt) and channel: a rerun of the routing finds it. */
export function alertDeliveryIdOf(sourceId: string, channelId: string): string {
  return `dlv_${sha256Hex(`${sourceId}\u0000${channelId}`).slice(0, 32)}`;
}
