import type { AlertChannelConfig } from '@oars/config';
import {
  ALERT_DELIVERY_REPLAYED,
  ALERT_RAISED,
  type AlertDeliveryRecord,
  type AlertNotification,
  type AlertRecord,
  type DeliveryTarget,
  INCIDENT_ACKNOWLEDGED,
  INCIDENT_ESCALATED,
  INCIDENT_RESOLVED,
  alertDeliveryEventOf,
  alertNotificationOf,
  escalatesOpeningAlert,
  escalationChannelIds,
  incidentNotificationOf,
  isAlertSeverity,
  routedChannelIds,
} from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import type { AlertDeliveryCommands } from './alert-delivery.commands';
import type { AlertRoutingRules } from './alert-routing-rules';

/** The receipts the router reacts to. */
export const ROUTED_RECEIPT_TYPES: readonly string[] = [ALERT_RAISED, INCIDENT_ACKNOWLEDGED, INCIDENT_RESOLVED, INCIDENT_ESCALATED, ALERT_DELIVERY_REPLAYED];

/**
 * Alerts and incident receipts older than this when the router first sees them are not delivered:
 * a first deployment (or a router registered later) catches up over old streams without paging
 * anyone about last year's alerts.
 */
export const ROUTE_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Picks the channels of a receipt and records one delivery per channel:
 * - `alert.raised`: the tenant's rule for the alert's severity (else the defaults), nothing at all
 *   while no channel is configured (as v1);
 * - `incident.acknowledged` / `incident.resolved`: the PagerDuty channels of the rule for the
 *   incident's alert severity (PagerDuty acknowledge / resolve of the incident's dedup key);
 * - `incident.escalated`: the channels `data.notify.channelIds` names, but for the opening step of
 *   an incident an alert opened: the channels that alert was routed to already got it (same dedup key);
 * - `alert.delivery_replayed`: the replayed delivery itself.
 * Answers the deliveries to arm (pending); a rerun finds them recorded and answers them again.
 */
export class DeliveryRouter {
  private readonly channels: ReadonlyMap<string, AlertChannelConfig>;

  constructor(
    private readonly deliveries: AlertDeliveryCommands,
    private readonly rules: AlertRoutingRules,
    channels: readonly AlertChannelConfig[],
    private readonly now: () => number = Date.now,
  ) {
    this.channels = new Map(channels.map((c) => [c.id, c]));
  }

  async route(stream: string, receipt: Receipt): Promise<AlertDeliveryRecord[]> {
    if (receipt.type === ALERT_DELIVERY_REPLAYED) {
      const delivery = alertDeliveryEventOf(receipt)?.data.delivery;
      return delivery?.status === 'pending' ? [delivery] : [];
    }
    if (this.channels.size === 0 || this.now() - Date.parse(receipt.timestamp) > ROUTE_MAX_AGE_MS) return [];
    if (receipt.type === ALERT_RAISED) {
      const alert = receipt.data.alert as AlertRecord | undefined;
      if (!alert || typeof alert.id !== 'string' || !isAlertSeverity(alert.severity)) return [];
      const ids = routedChannelIds(alert.severity, await this.rules.ruleOf(stream, alert.severity));
      return this.request(stream, alert.id, alertNotificationOf(alert), ids);
    }
    const notification = incidentNotificationOf(receipt.type, receipt.data);
    if (!notification) return [];
    const ruled = await this.ruleChannelsOf(stream, notification);
    let ids: string[];
    if (receipt.type !== INCIDENT_ESCALATED) ids = ruled.filter((id) => this.channels.get(id)?.type === 'pagerduty_events_v2');
    else if (escalatesOpeningAlert(receipt.data)) ids = escalationChannelIds(receipt.data).filter((id) => !ruled.includes(id));
    else ids = escalationChannelIds(receipt.data);
    return this.request(stream, receipt.receiptId, notification, ids);
  }

  /** The channels of the routing rule for the incident's alert severity. */
  private async ruleChannelsOf(stream: string, notification: AlertNotification): Promise<string[]> {
    const severity = notification.incident!.alertSeverity;
    return routedChannelIds(severity, await this.rules.ruleOf(stream, severity));
  }

  private async request(stream: string, sourceId: string, notification: AlertNotification, channelIds: readonly string[]): Promise<AlertDeliveryRecord[]> {
    if (channelIds.length === 0) return [];
    const targets: DeliveryTarget[] = channelIds.map((channelId) => ({ channelId, channelType: this.channels.get(channelId)?.type ?? null }));
    const deliveries = await this.deliveries.request(stream, sourceId, notification, targets, new Date(this.now()));
    return deliveries.filter((d) => d.status === 'pending');
  }
}
