import { ALERT_RAISED, type AlertRecord, type AlertSeverity, type IncidentSeverity, incidentDedupKey, incidentSeverityOf } from '@oars/domain';
import type { Receipt } from '@oars/receipts';

/**
 * The token after the subject prefix that every alert subject carries. Tenant streams capture
 * `<subjectPrefix>.<region>.<tenant>.>`, so alert subjects stay outside every tenant stream as long as
 * no region is called `alerts` (the configuration refuses that name).
 */
export const ALERTS_TOKEN = 'alerts';
export const ALERT_MESSAGE_SCHEMA = 'oars.alert.v1';

const SEVERITIES: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** What is published for each `alert.raised` receipt (JSON; the schema is in docs/governance-alerts.md). */
export interface AlertMessage {
  schema: typeof ALERT_MESSAGE_SCHEMA;
  region: string;
  tenantId: string;
  /** The receipt that raised it: its position in the tenant's stream, its id and hash (verify it with `POST /v1/receipts/verify`). */
  sequence: number;
  receiptId: string;
  receiptHash: string;
  raisedAt: string;
  incidentSeverity: IncidentSeverity;
  /** Repeats of one code for one tenant and target share it (`incidentDedupKey`). */
  dedupKey: string;
  alert: AlertRecord;
}

/** `<subjectPrefix>.alerts.<region>.<tenantId>.<severity>`: where one alert is published. */
export function alertSubject(subjectPrefix: string, region: string, tenantId: string, severity: AlertSeverity): string {
  return `${subjectPrefix}.${ALERTS_TOKEN}.${region.toLowerCase()}.${tenantId}.${severity}`;
}

/** The subject to subscribe to for alerts of one region, one tenant or all (`*`), one severity or all. */
export function alertSubscriptionSubject(subjectPrefix: string, region: string, filter: { tenantId?: string; severity?: AlertSeverity } = {}): string {
  return alertSubject(subjectPrefix, region, filter.tenantId ?? '*', (filter.severity ?? '*') as AlertSeverity);
}

export function isAlertSeverity(value: unknown): value is AlertSeverity {
  return SEVERITIES.includes(value as AlertSeverity);
}

/** The message of an `alert.raised` receipt of its own stream, or null for any other receipt (or one whose alert is malformed). */
export function alertMessageOf(receipt: Receipt, region: string): AlertMessage | null {
  const alert = receipt.type === ALERT_RAISED ? (receipt.data.alert as AlertRecord | undefined) : undefined;
  if (!alert || typeof alert.id !== 'string' || typeof alert.code !== 'string' || !isAlertSeverity(alert.severity)) return null;
  if (alert.tenantId !== receipt.tenantId || !TOKEN.test(receipt.tenantId)) return null;
  return {
    schema: ALERT_MESSAGE_SCHEMA,
    region,
    tenantId: receipt.tenantId,
    sequence: receipt.sequence,
    receiptId: receipt.receiptId,
    receiptHash: receipt.integrity.receiptHash,
    raisedAt: receipt.timestamp,
    incidentSeverity: incidentSeverityOf(alert),
    dedupKey: incidentDedupKey(alert),
    alert,
  };
}
