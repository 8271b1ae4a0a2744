import { sha256Hex } from '@oars/receipts';
import type { AlertSeverity } from '../alerts';

/** OARS v1 §2.14 AlertRoutingRuleRecord: one rule per (tenant, severity). */
export interface AlertRoutingRuleRecord {
  id: string;
  tenantId: string;
  severity: AlertSeverity;
  /** Channel ids (OARS_ALERT_CHANNELS ids), in the order they were given. */
  channels: string[];
  /** Minutes an incident of this severity may stay unacknowledged before it escalates. */
  escalationMinutes: number;
  updatedAt: string;
  updatedBy: string;
}

/** In the order `GET /v1/admin/ops/alert-routing` lists them. */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];
export const DEFAULT_ALERT_CHANNELS: Readonly<Record<AlertSeverity, readonly string[]>> = {
  critical: ['pagerduty', 'slack_secops'],
  high: ['slack_secops'],
  medium: ['slack_secops'],
  low: ['slack_secops'],
};
export const DEFAULT_ESCALATION_MINUTES: Readonly<Record<AlertSeverity, number>> = { critical: 5, high: 15, medium: 60, low: 60 };
export const ALERT_ROUTING_SYSTEM_DEFAULT = 'system_default';
export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_RULE_CHANNELS = 20;
export const MAX_ESCALATION_MINUTES = 1440;

export function isAlertSeverity(value: unknown): value is AlertSeverity {
  return typeof value === 'string' && (ALERT_SEVERITIES as readonly string[]).includes(value);
}

/** The rule id of (tenant, severity): `route_…`, kept across changes of the rule. */
export function alertRoutingRuleId(tenantId: string, severity: AlertSeverity): string {
  return `route_${sha256Hex(`${tenantId}\u0000${severity}`).slice(0, 32)}`;
}

/** The rule in force where the tenant set none (v1 defaults; `updatedAt` is when it was asked for). */
export function defaultAlertRoutingRule(tenantId: string, severity: AlertSeverity, now: string): AlertRoutingRuleRecord {
  return {
    id: `route_default_${sha256Hex(`default\u0000${tenantId}\u0000${severity}`).slice(0, 32)}`,
    tenantId,
    severity,
    channels: [...DEFAULT_ALERT_CHANNELS[severity]],
    escalationMinutes: DEFAULT_ESCALATION_MINUTES[severity],
    updatedAt: now,
    updatedBy: ALERT_ROUTING_SYSTEM_DEFAULT,
  };
}

/** The channel ids an alert of `severity` is delivered to: the tenant's rule, else the defaults. */
export function routedChannelIds(severity: AlertSeverity, rule: AlertRoutingRuleRecord | null): string[] {
  return [...(rule?.channels ?? DEFAULT_ALERT_CHANNELS[severity])];
}
