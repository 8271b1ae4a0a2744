import { ALERT_RAISED, type AlertRecord } from '@oars/domain';
import { type ReceiptDraft, derivedId } from '@oars/ledger';

/**
 * The `alert.raised` receipt of an alert. Alerts are their own aggregate (`alert.<id>`), so they do
 * not enter the action's chain; `data.alert.actionId` links them. Delivery to channels is driven
 * from these receipts by a durable consumer, never inside the request.
 */
export function alertDraft(alert: AlertRecord): ReceiptDraft {
  return {
    receiptId: derivedId('rcpt', alert.id),
    type: ALERT_RAISED,
    subject: `alert.${alert.id}`,
    actionId: null,
    actor: null,
    resource: null,
    policy: null,
    risk: null,
    inputHash: null,
    telemetry: null,
    data: { alert },
  };
}
