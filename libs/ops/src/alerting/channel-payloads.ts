import type { AlertChannelConfig, PagerDutyChannel } from '@oars/config';
import { type AlertNotification, type AlertRecord, type IncidentNotice, PAGERDUTY_SEVERITY } from '@oars/domain';

/** One HTTP POST to a channel: everything but the connection. */
export interface ChannelRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface ChannelRequestContext {
  deliveryId: string;
  /** Where PagerDuty events go (OARS_PAGERDUTY_EVENTS_URL). */
  pagerDutyEventsUrl: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const DEFAULT_PAGERDUTY_SOURCE = 'oars-platform';
/** What an incident notification says it is, in words and as a generic webhook's `event`. */
const INCIDENT_EVENTS = { acknowledge: 'incident.acknowledged', resolve: 'incident.resolved', escalate: 'incident.escalated', trigger: 'incident.triggered' } as const;

/**
 * The request a channel gets for a notification. An alert goes out exactly as OARS v1 sent it
 * (v1 §2.14) plus PagerDuty's `dedup_key`; incident notifications (acknowledge, resolve, escalate)
 * are documented in docs/alerting.md. Webhooks also get `idempotency-key: <deliveryId>`, the same on
 * every retry of the delivery, so a receiver can drop the repeats at-least-once delivery sends.
 */
export function channelRequestOf(channel: AlertChannelConfig, n: AlertNotification, ctx: ChannelRequestContext): ChannelRequest {
  switch (channel.type) {
    case 'slack_webhook':
      return { url: channel.url, headers: { ...JSON_HEADERS }, body: JSON.stringify({ text: slackText(n) }) };
    case 'pagerduty_events_v2':
      return { url: ctx.pagerDutyEventsUrl, headers: { ...JSON_HEADERS }, body: JSON.stringify(pagerDutyEvent(channel, n)) };
    case 'generic_webhook':
      return { url: channel.url, headers: { ...JSON_HEADERS, 'idempotency-key': ctx.deliveryId, ...channel.headers }, body: JSON.stringify(webhookBody(n)) };
    default: {
      const never: never = channel;
      throw new Error(`unknown channel type ${JSON.stringify(never)}`);
    }
  }
}

/** v1's one-line summary of an alert: `[SEVERITY] CODE - message`. */
export function alertSummary(alert: Pick<AlertRecord, 'severity' | 'code' | 'message'>): string {
  return `[${alert.severity.toUpperCase()}] ${alert.code} - ${alert.message}`;
}

function incidentSummary(kind: AlertNotification['kind'], incident: IncidentNotice): string {
  const escalated = incident.reason === 'opened' ? 'OPENED' : `ESCALATED (level ${incident.escalationLevel})`;
  const what = kind === 'escalate' ? escalated : kind === 'acknowledge' ? 'ACKNOWLEDGED' : kind === 'resolve' ? 'RESOLVED' : 'OPEN';
  return `[${incident.severity}] ${what} ${incident.code ?? 'INCIDENT'} - ${incident.summary}`;
}

function slackText(n: AlertNotification): string {
  if (n.alert) return `${alertSummary(n.alert)}\ntenant=${n.alert.tenantId}${n.alert.actionId === null ? '' : ` action=${n.alert.actionId}`}`;
  const incident = n.incident!;
  const oncall = incident.oncallUserIds.length > 0 ? ` oncall=${incident.oncallUserIds.join(',')}` : '';
  return `${incidentSummary(n.kind, incident)}\ntenant=${incident.tenantId} incident=${incident.incidentId}${oncall}`;
}

function pagerDutyEvent(channel: PagerDutyChannel, n: AlertNotification): Record<string, unknown> {
  const source = channel.source ?? DEFAULT_PAGERDUTY_SOURCE;
  if (n.kind === 'acknowledge' || n.kind === 'resolve') return { routing_key: channel.routingKey, event_action: n.kind, dedup_key: n.dedupKey };
  if (n.alert) {
    const { alert } = n;
    const custom_details = { alertId: alert.id, tenantId: alert.tenantId, actionId: alert.actionId, code: alert.code, metadata: alert.metadata };
    return { routing_key: channel.routingKey, event_action: 'trigger', dedup_key: n.dedupKey, payload: { summary: alertSummary(alert), source, severity: PAGERDUTY_SEVERITY[alert.severity], custom_details } };
  }
  const incident = n.incident!;
  const custom_details = { incidentId: incident.incidentId, tenantId: incident.tenantId, code: incident.code, escalationLevel: incident.escalationLevel, oncallUserIds: incident.oncallUserIds };
  return { routing_key: channel.routingKey, event_action: 'trigger', dedup_key: n.dedupKey, payload: { summary: incidentSummary(n.kind, incident), source, severity: PAGERDUTY_SEVERITY[incident.alertSeverity], custom_details } };
}

/** The whole AlertRecord for an alert (v1, key order kept); `{event, dedupKey, incident}` for an incident. */
function webhookBody(n: AlertNotification): unknown {
  if (n.alert) {
    const { id, tenantId, actionId, severity, code, message, createdAt, metadata } = n.alert;
    return { id, tenantId, actionId, severity, code, message, createdAt, metadata };
  }
  return { event: INCIDENT_EVENTS[n.kind], dedupKey: n.dedupKey, incident: n.incident };
}
