import { sha256Hex } from '@oars/receipts';
import type { AlertRecord, AlertSeverity } from './alert.types';

/**
 * Incident severities (operations manual, "On-Call Model") and the default acknowledgement targets.
 * `SEV1`: critical alerts and every integrity failure; `SEV2`: high; `SEV3`: medium and low.
 */
export type IncidentSeverity = 'SEV1' | 'SEV2' | 'SEV3';
export const INCIDENT_SEVERITIES: readonly IncidentSeverity[] = ['SEV1', 'SEV2', 'SEV3'];
export const DEFAULT_ACK_TARGET_MINUTES: Readonly<Record<IncidentSeverity, number>> = { SEV1: 5, SEV2: 15, SEV3: 60 };

/** Alert codes that are always SEV1, whatever their severity says (the chain's integrity is the product). */
export const SEV1_CODES: readonly string[] = ['INTEGRITY_VIOLATION'];

export function incidentSeverityOf(alert: Pick<AlertRecord, 'severity' | 'code'>): IncidentSeverity {
  if (SEV1_CODES.includes(alert.code) || alert.severity === 'critical') return 'SEV1';
  if (alert.severity === 'high') return 'SEV2';
  return 'SEV3';
}

/**
 * What an alert is about, for grouping: its metadata's target; else the tool and operation it names
 * (the v1 alerts of an action carry those, not the target: repeated denials of one operation are
 * one incident, not one each); else its action; else the tenant.
 */
export function alertTargetOf(alert: Pick<AlertRecord, 'actionId' | 'metadata'>): string {
  const { target, toolId, operation } = alert.metadata ?? {};
  if (typeof target === 'string' && target.length > 0) return target;
  if (typeof toolId === 'string' && typeof operation === 'string') return `${toolId}:${operation}`;
  return alert.actionId ?? '-';
}

/**
 * Repeats of one code for one tenant and target belong to one incident while it is open. The
 * grouping key is that triple; the dedup key (PagerDuty `dedup_key`, and the key every delivery of
 * the incident's alerts carries) derives from it, so retries and repeats collapse into one page, and
 * a repeat after the incident was resolved opens a new one (PagerDuty treats a resolved key as new).
 */
export function incidentGroupKey(alert: Pick<AlertRecord, 'tenantId' | 'code' | 'actionId' | 'metadata'>): string {
  return `${alert.tenantId}\u0000${alert.code}\u0000${alertTargetOf(alert)}`;
}

export function incidentDedupKey(alert: Pick<AlertRecord, 'tenantId' | 'code' | 'actionId' | 'metadata'>): string {
  return `oars-${sha256Hex(incidentGroupKey(alert)).slice(0, 32)}`;
}

/** PagerDuty Events v2 severity of an alert severity (v1 §2.14). */
export const PAGERDUTY_SEVERITY: Readonly<Record<AlertSeverity, 'critical' | 'error' | 'warning' | 'info'>> = { critical: 'critical', high: 'error', medium: 'warning', low: 'info' };
