import type { AlertSeverity } from '../alerts';
import { type AlertRoutingRuleRecord, isAlertSeverity } from './alert-routing.rules';

export const ALERT_ROUTING_CONFIGURED = 'alert.routing_configured';

/** The aggregate subject of a tenant's rule for one severity; its latest receipt is the rule in force. */
export function alertRoutingSubject(severity: AlertSeverity): string {
  return `alertrouting.${severity}`;
}

export interface AlertRoutingConfigured {
  readonly type: typeof ALERT_ROUTING_CONFIGURED;
  readonly subject: string;
  /** The whole rule after the change and who made it. */
  readonly data: { rule: AlertRoutingRuleRecord; actor: string };
}

export type AlertRoutingEvent = AlertRoutingConfigured;

/** The routing event a stored receipt carries, or null for any other receipt (or a malformed one). */
export function alertRoutingEventOf(receipt: { type: string; data: Record<string, unknown> } | null): AlertRoutingEvent | null {
  if (!receipt || receipt.type !== ALERT_ROUTING_CONFIGURED) return null;
  const rule = receipt.data.rule as AlertRoutingRuleRecord | undefined;
  if (!rule || !isAlertSeverity(rule.severity) || !Array.isArray(rule.channels)) return null;
  return { type: ALERT_ROUTING_CONFIGURED, subject: alertRoutingSubject(rule.severity), data: receipt.data as unknown as AlertRoutingConfigured['data'] };
}
